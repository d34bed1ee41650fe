"""Qt adapters drive real drivers against the simulators in worker threads and report through signals."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QThread  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit  # noqa: E402

from drivers.core.transport import SerialLink  # noqa: E402
from drivers.display.led import LedDisplay  # noqa: E402
from drivers.idcard.reader import IdCardReader  # noqa: E402
from drivers.keypad.codec import HostReply, Key  # noqa: E402
from drivers.keypad.receiver import KeypadReceiver  # noqa: E402
from drivers.printer.printer import TicketPrinter  # noqa: E402
from drivers.printer.ticket import Ticket  # noqa: E402
from drivers.printer.transports import PrinterPort  # noqa: E402
from drivers.config import DeviceSettings  # noqa: E402
from drivers.qt.devices import (IdCardReaderAdapter, KeypadAdapter, LedAdapter,  # noqa: E402
                                LineScannerAdapter, PrinterAdapter)
from drivers.qt.tts import AnnouncerAdapter, QtSpeechEngine  # noqa: E402
from drivers.qt.wedge import WedgeScanFilter  # noqa: E402
from drivers.scanner.line import LineScanner  # noqa: E402
from drivers.sim.idcard import IdCardSimulator  # noqa: E402
from drivers.sim.keypad import KeypadSimulator  # noqa: E402
from drivers.sim.led import LedSimulator  # noqa: E402
from drivers.sim.printer import PrinterSimulator  # noqa: E402
from drivers.sim.scanner import ScannerSimulator  # noqa: E402
from tests.drivers.conftest import wait_for  # noqa: E402


@pytest.fixture
def adapters():
    started = []
    yield started.append
    for a in started:
        assert a.stop(3000)


def test_idcard_adapter_emits_card_off_gui_thread_then_error_and_recovery(qtbot, sim_host, adapters):
    sim = IdCardSimulator()
    host = sim_host(sim, "pty")
    adapter = IdCardReaderAdapter(IdCardReader(SerialLink(host.url), timeout=0.2, poll_interval=0.05),
                                  retry_delay=0.1)
    threads = []
    adapter.sig_card_read.connect(lambda r: threads.append(QThread.currentThread()))
    with qtbot.waitSignal(adapter.sig_card_read, timeout=3000) as blocker:
        adapter.start()
        adapters(adapter)
    assert blocker.args[0].record.name == "王小明"
    assert threads[0] is QApplication.instance().thread()  # delivered on the GUI thread
    with qtbot.waitSignal(adapter.sig_error, timeout=3000) as err:
        host.drop()
    assert err.args[0] == "device_unavailable"
    with qtbot.waitSignal(adapter.sig_recovered, timeout=3000):
        host.restore()
    with qtbot.waitSignal(adapter.sig_card_read, timeout=3000):
        sim.lift_and_present()


def test_keypad_adapter_key_and_reply(qtbot, sim_host, adapters):
    sim = KeypadSimulator(address=2)
    host = sim_host(sim, "tcp")
    adapter = KeypadAdapter(KeypadReceiver(SerialLink(host.url)))
    adapter.start()
    adapters(adapter)
    with qtbot.waitSignal(adapter.sig_key, timeout=3000) as blocker:
        wait_for(lambda: host._conn is not None, 2)
        sim.press(Key.CALL_SPECIFIC, ticket="C007")
    event = blocker.args[0]
    assert (event.key, event.ticket) == (Key.CALL_SPECIFIC, "C007")
    adapter.reply(event, HostReply(current="C007", waiting=3, beep=True))
    assert wait_for(lambda: sim.lcd is not None and sim.lcd.current == "C007")


def test_line_scanner_adapter(qtbot, sim_host, adapters):
    sim = ScannerSimulator(terminator=b"\r")
    host = sim_host(sim, "pty")
    adapter = LineScannerAdapter(LineScanner(SerialLink(host.url)))
    adapter.start()
    adapters(adapter)
    with qtbot.waitSignal(adapter.sig_scanned, timeout=3000) as blocker:
        threading.Timer(0.2, sim.scan, args=("APPT-42",)).start()
    assert blocker.args == ["APPT-42"]


def test_printer_adapter_reports_paper_out_as_failure(qtbot, sim_host, adapters):
    sim = PrinterSimulator()
    host = sim_host(sim, "tcp")
    settings = DeviceSettings("printer", port=str(host.tcp_port), timeout=0.5,
                              options={"transport": "network", "host": "127.0.0.1"})
    adapter = PrinterAdapter(TicketPrinter(PrinterPort.from_settings(settings)))
    adapter.start()
    adapters(adapter)
    ticket = Ticket("市民服务中心", "A001", "社保", 0, dt.datetime(2026, 1, 5, 9, 0))
    with qtbot.waitSignal(adapter.sig_printed, timeout=3000) as ok:
        adapter.print_ticket(ticket)
    assert ok.args[0].printed
    sim.paper_out = True
    with qtbot.waitSignal(adapter.sig_failed, timeout=3000) as failed:
        adapter.print_ticket(ticket)
    assert failed.args[0] == "printer_paper_out"


def test_led_adapter(qtbot, sim_host, adapters):
    sim = LedSimulator(address=1)
    host = sim_host(sim, "pty")
    adapter = LedAdapter(LedDisplay(SerialLink(host.url), timeout=0.3))
    adapter.start()
    adapters(adapter)
    with qtbot.waitSignal(adapter.sig_shown, timeout=3000):
        adapter.show_text("请A001号到1号窗口")
    assert sim.texts[0] == "请A001号到1号窗口"


def test_wedge_filter_scan_vs_typing(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    wedge = WedgeScanFilter(edit)
    edit.installEventFilter(wedge)
    scans = []
    wedge.sig_scanned.connect(scans.append)
    QTest.keyClicks(edit, "APPT20261122")  # no delay between keys: a scanner burst
    QTest.keyClick(edit, "\r")
    assert scans == ["APPT20261122"]
    QTest.keyClicks(edit, "slow", delay=60)  # a person typing, 60 ms between keys
    QTest.keyClick(edit, "\r", delay=60)
    assert scans == ["APPT20261122"]
    assert edit.text() == "APPT20261122slow"  # keys were never eaten


def test_announcer_adapter_with_qt_mock_voice(qtbot):
    engine = QtSpeechEngine(engine="mock")
    adapter = AnnouncerAdapter(engine)
    started, finished = [], []
    adapter.sig_started.connect(lambda i, t, w: started.append(t))
    adapter.sig_finished.connect(finished.append)
    try:
        first = adapter.announce("A1", "3")
        second = adapter.announce("B2", "4")
        qtbot.waitUntil(lambda: len(finished) == 2, timeout=10000)
    finally:
        adapter.close()
    assert finished == [first, second]
    assert started == ["A1", "B2"]
    assert engine.spoken == ["请A一号到三号窗口办理", "请B二号到四号窗口办理"]


def test_pcsc_adapter_insert_and_remove(qtbot, pcscd, adapters):
    from drivers.idcard.pcsc import PcscReader
    from drivers.qt.devices import PcscAdapter
    from drivers.sim.vicc import VirtualIdCard, VpcdCardClient

    client = VpcdCardClient(VirtualIdCard(serial=bytes.fromhex("A1A2A3A4A5A6A7A8")), port=pcscd.port)
    adapter = PcscAdapter(PcscReader(pcscd.reader_name + " 00 00"), poll=0.05)
    adapter.start()
    adapters(adapter)
    try:
        with qtbot.waitSignal(adapter.sig_card_inserted, timeout=5000) as blocker:
            client.insert()
        assert blocker.args == ["A1A2A3A4A5A6A7A8"]
        with qtbot.waitSignal(adapter.sig_card_removed, timeout=5000):
            client.remove()
    finally:
        client.remove()


def test_camera_adapter_on_video_file(qtbot, tmp_path, adapters):
    from drivers.qt.devices import CameraScannerAdapter
    from drivers.scanner.camera import CameraScanner, decode_opencv
    from tests.drivers.scanner.test_camera import on_canvas, qr_image, write_video

    import numpy as np

    path = tmp_path / "kiosk.avi"
    write_video(path, [np.full((480, 640), 255, np.uint8)] * 2 + [on_canvas(qr_image("GH-77"))] * 3)
    adapter = CameraScannerAdapter(CameraScanner(str(path), decode_opencv))
    codes = []
    adapter.sig_scanned.connect(codes.append)
    with qtbot.waitSignal(adapter.sig_finished, timeout=5000):
        adapter.start()
        adapters(adapter)
    qtbot.waitUntil(lambda: codes == ["GH-77"], timeout=2000)


def test_device_loop_turns_a_bug_into_a_coded_error(qtbot, adapters):
    from drivers.qt.worker import DeviceLoop

    calls = []

    def step():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("driver bug")

    loop = DeviceLoop(step, retry_delay=0.05)
    seen = []
    loop.sig_error.connect(lambda code, message: seen.append((code, message)))
    loop.sig_recovered.connect(lambda: seen.append(("recovered", "")))
    loop.start()
    adapters(loop)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=3000)
    assert seen[0][0] == "device_internal_error" and "driver bug" in seen[0][1]
    assert seen[1] == ("recovered", "")
