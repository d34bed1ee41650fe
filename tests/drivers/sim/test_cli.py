"""The simulators started by hand (`python -m drivers.sim ...`) work with the real drivers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.config import DeviceSettings
from drivers.core.transport import SerialLink
from drivers.display.led import LedDisplay
from drivers.idcard.errors import NoCard
from drivers.idcard.reader import IdCardReader
from drivers.keypad.codec import HostReply, Key
from drivers.keypad.receiver import KeypadReceiver
from drivers.printer.printer import TicketPrinter
from drivers.printer.ticket import Ticket
from drivers.printer.transports import PrinterPort
from drivers.scanner.line import LineScanner
from tests.drivers.conftest import wait_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def run_sim():
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> tuple[subprocess.Popen, str]:
        proc = subprocess.Popen([sys.executable, "-m", "drivers.sim", *args, "--duration", "20"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        procs.append(proc)
        line = proc.stdout.readline()  # "… listening on URL"; bounded by --duration if something is wrong
        assert "listening on" in line, line
        return proc, line.rsplit(" ", 1)[1].strip()

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: the simulator stops its host and exits
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.mark.parametrize("device", ["idcard", "keypad", "printer", "led", "scanner", "pcsc"])
def test_help(device):
    out = subprocess.run([sys.executable, "-m", "drivers.sim", device, "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0 and "usage:" in out.stdout


def test_idcard_sim_on_pty_by_hand(run_sim):
    proc, url = run_sim("idcard", "--pty", "--read-delay", "0.1", "--card-type", "J")
    reader = IdCardReader(SerialLink(url), timeout=0.5, read_timeout=2)
    try:
        assert reader.read_card().record.card_type == "hk_macau_taiwan_permit"
    finally:
        reader.close()
    proc.terminate()
    assert proc.wait(timeout=5) == 0


def test_idcard_sim_swiped_by_hand_on_stdin():
    proc = subprocess.Popen([sys.executable, "-m", "drivers.sim", "idcard", "--pty", "--read-delay", "0.1",
                             "--stdin", "--duration", "20"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    reader = None
    try:
        url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        reader = IdCardReader(SerialLink(url), timeout=0.5, read_timeout=2)
        with pytest.raises(NoCard):  # nobody swiped yet
            reader.read_card()
        proc.stdin.write("swipe:李四,44190019850615123\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "card presented"
        record = reader.read_card().record
        assert record.name == "李四" and record.id_number.startswith("44190019850615123")
        with pytest.raises(NoCard):  # read once: lifted until the next swipe
            reader.read_card()
        proc.stdin.write("swipe\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "card read #1"
        assert proc.stdout.readline().strip() == "card presented"
        assert reader.read_card().record.name == "王小明"
    finally:
        if reader is not None:
            reader.close()
        proc.terminate()
        proc.wait(timeout=5)


def test_keypad_sim_presses_keys(run_sim):
    proc, url = run_sim("keypad", "--tcp", "0", "--press", "next,call:A023", "--interval", "0.2")
    receiver = KeypadReceiver(SerialLink(url))
    events = []
    try:
        # up to 15 s: a loaded machine starts the simulator late
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05))) or len(events) >= 2, 15)
        assert [e.key for e in events[:2]] == [Key.CALL_NEXT, Key.CALL_SPECIFIC]
        assert events[1].ticket == "A023"
        receiver.reply(events[1], HostReply(current="A023", waiting=4, beep=True))
    finally:
        receiver.close()
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    assert "LCD: current A023  waiting 4  BEEP" in out


def test_printer_sim_captures(run_sim, tmp_path):
    capture = tmp_path / "out.bin"
    proc, url = run_sim("printer", "--tcp", "0", "--capture", str(capture))
    port = int(url.rsplit(":", 1)[1])
    printer = TicketPrinter(PrinterPort.from_settings(DeviceSettings("printer", port=str(port), timeout=1,
                                                                     options={"transport": "network"})))
    try:
        printer.print_ticket(Ticket("政务服务中心", "B009", "公积金", 2, dt.datetime(2026, 3, 2, 10, 0)))
    finally:
        printer.close()
    assert wait_for(lambda: capture.exists() and "B009".encode() in capture.read_bytes(), 5)


def test_led_and_scanner_sims(run_sim):
    proc, url = run_sim("led", "--tcp", "0", "--address", "4")
    led = LedDisplay(SerialLink(url), address=4)
    try:
        led.show("暂停服务")
    finally:
        led.close()
    proc.terminate()
    assert "LED shows: 暂停服务" in proc.communicate(timeout=30)[0]
    _, url = run_sim("scanner", "--pty", "--codes", "QR-1,QR-2", "--interval", "0.1")
    scanner = LineScanner(SerialLink(url))
    codes = []
    try:
        assert wait_for(lambda: bool(codes.extend(scanner.poll(0.05))) or len(codes) >= 2, 5)
    finally:
        scanner.close()
    assert codes == ["QR-1", "QR-2"]


def test_keypad_sim_speaks_a_vendor_description(run_sim):
    proc, url = run_sim("keypad", "--tcp", "0", "--protocol", "wireless-15key", "--press", "next,transfer:12",
                        "--interval", "0.2")
    receiver = KeypadReceiver(SerialLink(url), codec="wireless-15key")
    events = []
    try:
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05))) or len(events) >= 2, 5)
        assert [e.key for e in events[:2]] == [Key.CALL_NEXT, Key.TRANSFER] and events[1].target_window == 12
        receiver.reply(events[1], HostReply(current="A023", waiting=4, beep=True))
    finally:
        receiver.close()
    proc.terminate()
    out, _ = proc.communicate(timeout=30)  # it exits at once; a loaded CI machine once took over 5 s
    assert "LCD: current A023  waiting 4  BEEP" in out


def test_one_led_process_hosts_a_card_per_address(run_sim, tmp_path):
    """The demo hall's LED cards: each address its own pty (PREFIX-<address>), each answering only its own."""
    proc, first = run_sim("led", "--pty", "--link", str(tmp_path / "led"), "--address", "1,3")
    assert first == str(tmp_path / "led-1")
    assert "led card 3 simulator listening on " + str(tmp_path / "led-3") in proc.stdout.readline()
    for address in (1, 3):
        led = LedDisplay(SerialLink(str(tmp_path / f"led-{address}")), address=address, timeout=0.5)
        try:
            led.show(f"{address}号窗口")
        finally:
            led.close()
    wrong = LedDisplay(SerialLink(str(tmp_path / "led-3")), address=1, timeout=0.3, retries=0)
    try:
        with pytest.raises(Exception) as info:
            wrong.show("x")  # card 3 stays silent to a frame for card 1
        assert info.value.code == "device_timeout"
    finally:
        wrong.close()
    proc.terminate()
    out = proc.communicate(timeout=30)[0]
    assert "card 1 shows: 1号窗口" in out and "card 3 shows: 3号窗口" in out


def test_printer_sim_runs_out_of_paper_and_is_refilled_by_hand():
    """What the journey does at the dispenser's printer: `paper-out` on stdin, the status says so; `refill`."""
    proc = subprocess.Popen([sys.executable, "-m", "drivers.sim", "printer", "--tcp", "0", "--stdin",
                             "--duration", "20"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    printer = None
    try:
        port = int(proc.stdout.readline().rsplit(":", 1)[1])
        printer = TicketPrinter(PrinterPort.from_settings(DeviceSettings("printer", port=str(port), timeout=1,
                                                                         options={"transport": "network"})))
        assert not printer.status().paper_out
        for line, paper_out in (("paper-out", True), ("refill", False)):
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == f"printer: {line}"
            assert printer.status().paper_out is paper_out
        proc.stdin.write("jam\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("unknown command 'jam'")
    finally:
        if printer is not None:
            printer.close()
        proc.terminate()
        proc.wait(timeout=5)


def test_keypad_sim_presses_every_key_typed_at_once_in_order():
    """Keypad login by hand: a staff number's digits and enter written in one go are all pressed, in order."""
    from drivers.keypad.codec import PadKey
    proc = subprocess.Popen([sys.executable, "-m", "drivers.sim", "keypad", "--tcp", "0", "--stdin",
                             "--duration", "20"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    receiver = None
    try:
        url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        receiver = KeypadReceiver(SerialLink(url))
        proc.stdin.write("0\n1\n0\n1\nenter\n")
        proc.stdin.flush()
        events = []
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05))) or len(events) >= 5, 5), events
        assert [(e.key, e.digit) for e in events] == [(PadKey.DIGIT, "0"), (PadKey.DIGIT, "1"), (PadKey.DIGIT, "0"),
                                                      (PadKey.DIGIT, "1"), (PadKey.ENTER, "")]
    finally:
        if receiver is not None:
            receiver.close()
        proc.terminate()
        proc.wait(timeout=5)
