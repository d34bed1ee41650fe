"""Contract suite of the ID card reader driver, run against the GA 467 simulator on a pty and on TCP,
and (marked `hardware`) against a real reader with a card on it."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.core.errors import ChecksumError, DeviceTimeout, DeviceUnavailable
from drivers.core.transport import SerialLink
from drivers.idcard import errors
from drivers.idcard.reader import IdCardReader
from drivers.sim.idcard import IdCardSimulator, sample_card, sample_id_number, sample_photo
from tests.drivers.conftest import hardware_url


@pytest.fixture(params=["pty", "tcp", pytest.param("hardware", marks=pytest.mark.hardware)])
def reader_env(request, sim_host):
    if request.param == "hardware":
        reader = IdCardReader(SerialLink(hardware_url("idcard"), baudrate=115200, device="idcard"))
        yield reader, None
    else:
        sim = IdCardSimulator()
        host = sim_host(sim, request.param)
        reader = IdCardReader(SerialLink(host.url, baudrate=115200, device="idcard"), timeout=0.3,
                              read_timeout=1.0)
        yield reader, sim
    reader.close()


@pytest.fixture
def sim_reader(sim_host):
    sim = IdCardSimulator()
    host = sim_host(sim, "pty")
    reader = IdCardReader(SerialLink(host.url, baudrate=115200, device="idcard"), timeout=0.2,
                          read_timeout=0.6, poll_interval=0.05)
    yield reader, sim, host
    reader.close()


# --- contract: holds for the simulator and for a real reader with a card presented -----------------------
def test_sam_is_ready(reader_env):
    reader, _ = reader_env
    reader.sam_status()


def test_read_card_decodes_record_and_keeps_photo(reader_env):
    reader, sim = reader_env
    result = reader.read_card()
    assert len(result.text_block) == 256 and len(result.photo) == 1024
    if sim is not None:
        assert result.record.name == "王小明" and result.record.id_number == sample_id_number()
        assert result.photo == sample_photo()


def test_card_must_be_lifted_before_next_read(reader_env):
    reader, sim = reader_env
    reader.read_card()
    with pytest.raises(errors.NoCard) as info:
        reader.read_card()
    assert info.value.code == "card_not_present"
    if sim is not None:
        sim.lift_and_present()
        assert reader.read_card().record.name == "王小明"


# --- simulator scenarios --------------------------------------------------------------------------------
def test_no_card(sim_reader):
    reader, sim, _ = sim_reader
    sim.remove()
    with pytest.raises(errors.NoCard):
        reader.read_card()


def test_wait_for_card_returns_when_card_is_presented(sim_reader):
    reader, sim, _ = sim_reader
    sim.remove()
    threading.Timer(0.3, sim.present).start()
    assert reader.wait_for_card(timeout=3.0).record.sex == "男"


def test_wait_for_card_times_out_with_typed_error(sim_reader):
    reader, sim, _ = sim_reader
    sim.remove()
    started = time.monotonic()
    with pytest.raises(errors.NoCard):
        reader.wait_for_card(timeout=0.4)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("card_type,cls", [("I", "ForeignerCardRecord"), ("J", "ResidencePermitRecord")])
def test_other_card_types(sim_reader, card_type, cls):
    reader, sim, _ = sim_reader
    sim.present(sample_card(card_type))
    assert type(reader.read_card().record).__name__ == cls


@pytest.mark.parametrize("sw3,cls", [(0x41, errors.CardReadFailed), (0x31, errors.CardAuthFailed),
                                     (0x40, errors.WrongCard), (0x33, errors.CardVerifyFailed)])
def test_read_failures_are_typed(sim_reader, sw3, cls):
    reader, sim, _ = sim_reader
    sim.scenario.read_status = sw3
    with pytest.raises(cls):
        reader.read_card()


def test_corrupted_answers_are_retried(sim_reader):
    reader, sim, _ = sim_reader
    sim.scenario.corrupt_answers = 2
    sim.scenario.garbage_before = b"\x00\xFF\xAA\x96"
    assert reader.read_card().record.name == "王小明"


def test_persistent_corruption_gives_checksum_error(sim_reader):
    reader, sim, _ = sim_reader
    sim.scenario.corrupt_answers = 100
    with pytest.raises(ChecksumError):
        reader.sam_status()


def test_silent_reader_times_out_then_recovers(sim_reader):
    reader, sim, _ = sim_reader
    sim.scenario.silent = 3
    with pytest.raises(DeviceTimeout):
        reader.sam_status()
    reader.sam_status()


def test_card_removed_during_read(sim_reader):
    reader, sim, _ = sim_reader
    sim.scenario.read_delay = 0.3
    threading.Timer(0.1, sim.remove).start()
    with pytest.raises(errors.NoCard):
        reader.read_card()


def test_port_closed_then_device_comes_back(sim_reader):
    reader, sim, host = sim_reader
    reader.sam_status()
    host.drop()
    with pytest.raises(DeviceUnavailable) as info:
        reader.sam_status()
    assert info.value.code == "device_unavailable"
    host.restore()
    assert reader.read_card().record.name == "王小明"


def test_tcp_reset_then_device_comes_back(sim_host):
    sim = IdCardSimulator()
    host = sim_host(sim, "tcp")
    reader = IdCardReader(SerialLink(host.url, device="idcard"), timeout=0.3, retries=0)
    try:
        reader.sam_status()
        host.drop()
        with pytest.raises((DeviceUnavailable, DeviceTimeout)):
            reader.sam_status()
            reader.sam_status()
        host.restore()
        try:  # if the reset surfaced as a timeout, the first call on the dead socket reports it once
            record = reader.read_card().record
        except DeviceUnavailable:
            record = reader.read_card().record
        assert record.name == "王小明"
    finally:
        reader.close()


def test_unopenable_port_is_typed(tmp_path):
    reader = IdCardReader(SerialLink(str(tmp_path / "missing"), device="idcard"))
    with pytest.raises(DeviceUnavailable):
        reader.sam_status()


def test_spy_url_logs_the_wire(sim_host, tmp_path):
    """`spy://` wraps the port and writes a hex wire log: how field problems get recorded."""
    host = sim_host(IdCardSimulator(), "pty")
    log = tmp_path / "wire.log"
    reader = IdCardReader(SerialLink(f"spy://{host.port}?file={log}&color=0"), timeout=0.3, read_timeout=1.0)
    try:
        reader.read_card()
    finally:
        reader.close()
    text = log.read_text()
    assert "AA AA AA 96 69 00 03 20 01 22" in text.upper().replace("  ", " ")


def test_fingerprint_read_and_sam_id(sim_reader):
    reader, sim, _ = sim_reader
    assert reader.sam_id() == bytes(range(16))
    result = reader.read_card(with_fingerprint=True)
    assert result.fingerprint == bytes(1024) and result.record.name == "王小明"
    assert sim.commands[-1] == (0x30, 0x10)


def test_unknown_command_is_typed(sim_reader):
    reader, _, _ = sim_reader
    with pytest.raises(errors.UnknownCommand):
        reader.command((0x42, 0x42)).raise_for_status()
