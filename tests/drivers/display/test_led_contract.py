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


def test_a_two_line_window_screen_is_one_frame(env):
    """What the hall controller sends a window card: both lines in one dynamic-text command."""
    from drivers.display import bx
    from kiosk.controller.cards import areas
    from kiosk.controller.screens import Screen

    led, sim, host = env
    before = len(host.received)
    led.send(bx.encode_dynamic_text(areas(Screen(("A023", "请到3号窗口")), 64, 32)))
    assert sim.texts == {0: "A023", 1: "请到3号窗口"}
    assert host.received[before:].count(bx.PREAMBLE) == 1


def _worker(url: str, address: int = 1, **kw):
    from drivers.config import settings_from_mapping
    from kiosk.controller.cards import CardWorker
    from kiosk.controller.config import card_of

    card = card_of("w1", settings_from_mapping("card-w1", {"window": 1, "address": address, "port": url,
                                                            "timeout": 0.3}))
    health: list[tuple[str, bool]] = []
    worker = CardWorker(card, retry=0.1, on_health=lambda c, code, recovered: health.append((code, recovered)), **kw)
    return worker, health


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_the_card_worker_resends_the_current_screen_when_the_card_is_back(sim_host, kind):
    from kiosk.controller.screens import Screen
    from tests.drivers.conftest import wait_for

    sim = LedSimulator(address=1)
    host = sim_host(sim, kind)
    worker, health = _worker(host.url, keepalive=0.3)
    worker.start()
    try:
        worker.want(Screen(("1号窗口", "欢迎办理")))
        assert wait_for(lambda: sim.texts == {0: "1号窗口", 1: "欢迎办理"})
        host.drop()
        assert wait_for(lambda: health == [("led_unreachable", False)], timeout=5)
        worker.want(Screen(("A001", "请到1号窗口")))  # the state moves on while the card is away
        sim.texts.clear()                              # and the card lost its screen (power cycled)
        host.restore()
        assert wait_for(lambda: sim.texts == {0: "A001", 1: "请到1号窗口"}, timeout=5)
        assert wait_for(lambda: health == [("led_unreachable", False), ("led_unreachable", True)])
    finally:
        worker.stop()


def test_a_card_that_forgot_its_screen_gets_it_at_the_next_keepalive(sim_host):
    from kiosk.controller.screens import Screen
    from tests.drivers.conftest import wait_for

    sim = LedSimulator(address=1)
    worker, health = _worker(sim_host(sim, "tcp").url, keepalive=0.3)
    worker.start()
    try:
        worker.want(Screen(("1号窗口", "暂停服务")))
        assert wait_for(lambda: sim.texts.get(1) == "暂停服务")
        sim.texts.clear()  # power cut on the card alone: the link never broke
        assert wait_for(lambda: sim.texts.get(1) == "暂停服务", timeout=3)
        assert health == []
    finally:
        worker.stop()


def test_a_refusing_card_is_reported_as_refused(sim_host):
    from kiosk.controller.screens import Screen
    from tests.drivers.conftest import wait_for

    sim = LedSimulator(address=1)
    sim.refuse_status = 0x05
    worker, health = _worker(sim_host(sim, "tcp").url)
    worker.start()
    try:
        worker.want(Screen(("1号窗口", "欢迎办理")))
        assert wait_for(lambda: health == [("led_refused", False)], timeout=5)
        sim.refuse_status = 0
        assert wait_for(lambda: sim.texts.get(1) == "欢迎办理", timeout=5)
        assert wait_for(lambda: health[-1] == ("led_refused", True))
    finally:
        worker.stop()


@pytest.mark.hardware
def test_real_card_shows_a_window_screen():
    """With --hardware and GOVHALL_DEVICE_CONFIG naming an [led] section: the controller's two-line screen."""
    from kiosk.controller.screens import Screen
    from tests.drivers.conftest import wait_for

    worker, health = _worker(hardware_url("led"))
    worker.start()
    try:
        worker.want(Screen(("A023", "请到3号窗口")))
        assert wait_for(lambda: worker.shown is not None, timeout=10), health
    finally:
        worker.stop()
