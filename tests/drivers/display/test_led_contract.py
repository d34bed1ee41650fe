"""LED display contract suite against the BX simulator (pty, TCP; escaped and plain framing)."""

from __future__ import annotations

import pytest

from drivers.core.errors import ChecksumError, DeviceTimeout, DeviceUnavailable, ProtocolError
from drivers.core.transport import SerialLink
from drivers.display.led import LedDisplay
from drivers.sim.led import LedSimulator
from tests.drivers.conftest import hardware_url


@pytest.fixture(params=[("pty", True), ("tcp", True), ("tcp", False)], ids=["pty", "tcp", "tcp-plain"])
def env(request, sim_host):
    kind, esc = request.param
    sim = LedSimulator(address=3, escape=esc)
    host = sim_host(sim, kind)
    led = LedDisplay(SerialLink(host.url, device="led"), address=3, escape=esc, timeout=0.3)
    yield led, sim, host
    led.close()


def test_text_is_shown_and_recorded(env):
    led, sim, _ = env
    led.show("请A023号到3号窗口")
    led.show("暂停服务", area_id=1)
    assert sim.texts == {0: "请A023号到3号窗口", 1: "暂停服务"}
    assert sim.errors == []


def test_corrupted_answer_is_retried(env):
    led, sim, _ = env
    sim.corrupt_answers = 1
    led.show("A001")
    assert sim.history == ["A001", "A001"]


def test_persistent_corruption_is_checksum_error(env):
    led, sim, _ = env
    sim.corrupt_answers = 10
    with pytest.raises(ChecksumError):
        led.show("A001")


def test_silent_controller_times_out(env):
    led, sim, _ = env
    sim.silent = 10
    with pytest.raises(DeviceTimeout):
        led.show("A001")


def test_refusal_is_typed(env):
    led, sim, _ = env
    sim.refuse_status = 0x07
    with pytest.raises(ProtocolError) as info:
        led.show("A001")
    assert info.value.details["status"] == 7


def test_simulator_rejects_bad_crc_from_host(env):
    led, sim, host = env
    from drivers.display import bx

    led.link.write(bx.encode_frame(3, bx.encode_dynamic_text([bx.TextArea("X")]), esc=led.escape, crc_xor=1))
    led.show("ok")
    assert sim.texts == {0: "ok"} and any(isinstance(e, ChecksumError) for e in sim.errors)


def test_display_gone_then_back(sim_host):
    sim = LedSimulator(address=1)
    host = sim_host(sim, "pty")
    led = LedDisplay(SerialLink(host.url, device="led"), timeout=0.3)
    try:
        led.show("A")
        host.drop()
        with pytest.raises(DeviceUnavailable):
            led.show("B")
        host.restore()
        led.show("C")
        assert sim.history == ["A", "C"]
    finally:
        led.close()


@pytest.mark.hardware
def test_real_display_accepts_text():
    led = LedDisplay(SerialLink(hardware_url("led"), device="led"))
    try:
        led.show("GovHall 测试")
    finally:
        led.close()
