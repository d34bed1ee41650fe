"""Keyboard-wedge burst detection (pure) and the serial line scanner against its simulator."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import DeviceError, DeviceUnavailable, FrameError
from drivers.core.transport import SerialLink
from drivers.scanner.line import LineParser, LineScanner
from drivers.scanner.wedge import WedgeDetector
from drivers.sim.scanner import ScannerSimulator
from tests.drivers.conftest import wait_for
from tests.drivers.conftest import fuzz


def feed(detector, text, gap, start=100.0):
    t, result = start, None
    for ch in text:
        result = detector.key(ch, t) or result
        t += gap
    return detector.key("", t, enter=True)


def test_fast_burst_ending_in_enter_is_a_scan():
    assert feed(WedgeDetector(), "GH20261122A023", gap=0.008) == "GH20261122A023"


def test_ordinary_typing_is_not_a_scan():
    assert feed(WedgeDetector(), "hello world", gap=0.12) is None


def test_short_fast_burst_is_not_a_scan():
    assert feed(WedgeDetector(min_length=4), "ok", gap=0.005) is None


def test_pause_inside_burst_restarts_detection():
    d = WedgeDetector()
    for i, ch in enumerate("abc"):
        d.key(ch, 1.0 + i * 0.01)
    assert feed(d, "XYZ12345", gap=0.01, start=2.0) == "XYZ12345"  # only the burst after the pause


def test_slow_enter_after_burst_is_not_a_scan():
    d = WedgeDetector()
    for i, ch in enumerate("ABCDEFG"):
        d.key(ch, 1.0 + i * 0.01)
    assert d.key("", 1.5, enter=True) is None


@pytest.mark.parametrize("terminator", [b"\r", b"\r\n", b"\n"])
def test_line_parser_terminators(terminator):
    assert LineParser().feed(b"ABC123" + terminator + b"X9" + terminator) == ["ABC123", "X9"]


def test_line_parser_split_reads_and_encodings():
    p = LineParser("gb18030")
    assert p.feed("预约".encode("gb18030")[:3]) == []
    assert p.feed("预约".encode("gb18030")[3:] + b"-42\r\n") == ["预约-42"]


def test_line_parser_typed_errors_then_recovers():
    p = LineParser(max_line=10)
    out = p.feed(b"\xff\xfe\r\n" + b"x" * 30 + b"\r\nGOOD\r\n")
    assert isinstance(out[0], FrameError) and isinstance(out[1], FrameError) and out[-1] == "GOOD"


@fuzz
@given(st.binary(max_size=400))
def test_fuzz_line_parser(data):
    p = LineParser(max_line=64)
    for item in p.feed(data):
        assert isinstance(item, (str, DeviceError))
    assert p.feed(b"\r\nAFTER\r\n")[-1] == "AFTER"


@pytest.fixture(params=["pty", "tcp"])
def env(request, sim_host):
    sim = ScannerSimulator()
    host = sim_host(sim, request.param)
    scanner = LineScanner(SerialLink(host.url, baudrate=9600, device="scanner"))
    scanner.link.open()
    yield scanner, sim, host
    scanner.close()


def _codes(scanner, n, timeout=2.0):
    codes = []
    wait_for(lambda: bool(codes.extend(scanner.poll(0.05))) or len(codes) >= n, timeout)
    return codes


def test_scanned_codes_arrive_in_order(env):
    scanner, sim, _ = env
    sim.scan("https://q.example.cn/t/A023")
    sim.scan("110101199003071234")
    assert _codes(scanner, 2) == ["https://q.example.cn/t/A023", "110101199003071234"]


def test_garbage_before_code_is_reported_not_fatal(env):
    scanner, sim, _ = env
    sim.send(b"\x00\xff\x1b\r\n")
    sim.scan("APPT-778")
    assert _codes(scanner, 1) == ["APPT-778"]
    assert scanner.errors and all(isinstance(e, FrameError) for e in scanner.errors)


def test_scanner_unplugged_and_back(sim_host):
    sim = ScannerSimulator()
    host = sim_host(sim, "pty")
    scanner = LineScanner(SerialLink(host.url, device="scanner"))
    try:
        scanner.poll(0.05)
        host.drop()
        with pytest.raises(DeviceUnavailable):
            scanner.poll(0.3)
        host.restore()
        scanner.poll(0.05)
        sim.scan("BACK")
        assert _codes(scanner, 1) == ["BACK"]
    finally:
        scanner.close()


@pytest.mark.hardware
def test_real_serial_scanner_reads_a_code():
    from tests.drivers.conftest import hardware_url

    scanner = LineScanner(SerialLink(hardware_url("scanner"), baudrate=9600, device="scanner"))
    try:
        assert _codes(scanner, 1, timeout=30), "scan any QR code within 30 s"
    finally:
        scanner.close()
