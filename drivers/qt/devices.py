"""Qt adapters for the serial/PC/SC/camera devices. Each runs its driver in a DeviceLoop thread; commands from
the GUI (replies, texts, print jobs) are queued to that thread so the GUI never blocks on a device."""

from __future__ import annotations

import queue
import time

from gui.qt import QObject, Signal

from drivers.core.errors import DeviceError
from drivers.qt.worker import DeviceLoop


class _Commands(DeviceLoop):
    """A DeviceLoop with a command queue executed on the worker thread between polls."""

    def __init__(self, retry_delay: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(retry_delay=retry_delay, parent=parent)
        self._commands: queue.Queue = queue.Queue()

    def submit(self, fn, *args) -> None:
        self._commands.put((fn, args))

    def run_commands(self, wait: float = 0.0) -> None:
        try:
            fn, args = self._commands.get(timeout=wait) if wait else self._commands.get_nowait()
        except queue.Empty:
            return
        fn(*args)


class IdCardReaderAdapter(DeviceLoop):
    """Polls a GA 467 reader; emits each presented card once (the card must be lifted to read it again)."""

    sig_card_read = Signal(object)  # IdCardRead

    def __init__(self, reader, parent: QObject | None = None, retry_delay: float = 1.0) -> None:
        super().__init__(retry_delay=retry_delay, parent=parent)
        self.reader = reader

    def step(self) -> None:
        from drivers.idcard.errors import NoCard

        try:
            result = self.reader.read_card()
        except NoCard:
            self.stop_event.wait(self.reader.poll_interval)
            return
        self.sig_card_read.emit(result)

    def cleanup(self) -> None:
        self.reader.close()


class KeypadAdapter(_Commands):
    sig_key = Signal(object)  # KeyEvent
    sig_raw = Signal(object)  # bytes; learning mode: one key press's bytes, as they came
    sig_protocol = Signal(str)  # the description now spoken (after use())
    sig_learning = Signal(bool)  # learning mode is now on / off on the receiver's thread

    def __init__(self, receiver, parent: QObject | None = None, retry_delay: float = 1.0) -> None:
        super().__init__(retry_delay, parent)
        self.receiver = receiver

    def reply(self, event, host_reply) -> None:
        self.submit(self.receiver.reply, event, host_reply)

    def learn(self, on: bool) -> None:
        """Learning mode: report each press's raw bytes (sig_raw) instead of decoding keys."""
        self.submit(self._learn, on)

    def use(self, protocol: str) -> None:
        """Speak another keypad description (a shipped name or a file), e.g. one learning mode saved."""
        self.submit(self._use, protocol)

    def _learn(self, on: bool) -> None:
        self.receiver.learning = on
        self.receiver.captured.clear()
        self.sig_learning.emit(on)

    def _use(self, protocol: str) -> None:
        try:
            self.receiver.use(protocol)
        except DeviceError as exc:
            self.sig_error.emit(exc.code, exc.message)
            return
        self.sig_protocol.emit(self.receiver.codec.name)

    def step(self) -> None:
        self.run_commands()
        for event in self.receiver.poll(0.05):
            self.sig_key.emit(event)
        captured, self.receiver.captured = self.receiver.captured, []
        for frame in captured:
            self.sig_raw.emit(frame)
        errors, self.receiver.errors = self.receiver.errors, []
        for exc in errors:
            self.sig_error.emit(exc.code, exc.message)

    def cleanup(self) -> None:
        self.receiver.close()


class LineScannerAdapter(DeviceLoop):
    sig_scanned = Signal(str)

    def __init__(self, scanner, parent: QObject | None = None, retry_delay: float = 1.0) -> None:
        super().__init__(retry_delay=retry_delay, parent=parent)
        self.scanner = scanner

    def step(self) -> None:
        for code in self.scanner.poll(0.1):
            self.sig_scanned.emit(code)

    def cleanup(self) -> None:
        self.scanner.close()


class CameraScannerAdapter(DeviceLoop):
    sig_scanned = Signal(str)
    sig_finished = Signal()  # end of a video file

    def __init__(self, camera, parent: QObject | None = None, retry_delay: float = 1.0) -> None:
        super().__init__(retry_delay=retry_delay, parent=parent)
        self.camera = camera

    def step(self) -> None:
        frame = self.camera.read_frame()
        if frame is None:
            self.sig_finished.emit()
            self.stop_event.set()
            return
        for code in self.camera.new_codes(frame):
            self.sig_scanned.emit(code)

    def cleanup(self) -> None:
        self.camera.close()


class PrinterAdapter(_Commands):
    """Prints on its worker thread. With `status_every` > 0 it also asks an idle printer for its status (DLE EOT)
    that often, so paper running out shows as `sig_error` before a citizen taps (and `sig_recovered` once
    refilled); while the printer is not ready it asks again every `status_every` seconds."""
    sig_printed = Signal(object)  # PrintResult
    sig_failed = Signal(str, str)  # code, message: the ticket was NOT issued

    def __init__(self, printer, parent: QObject | None = None, status_every: float = 0.0) -> None:
        super().__init__(0.1, parent)
        self.printer = printer
        self.status_every = status_every
        self._status_due = 0.0
        self._not_ready: DeviceError | None = None

    def print_ticket(self, ticket) -> None:
        self.submit(self._print, ticket)

    def _print(self, ticket) -> None:
        try:
            self.sig_printed.emit(self.printer.print_ticket(ticket))
        except DeviceError as exc:
            self.sig_failed.emit(exc.code, exc.message)

    def step(self) -> None:
        self.run_commands(wait=0.1)
        if self.status_every <= 0:
            return
        now = time.monotonic()
        if now >= self._status_due:
            self._status_due = now + self.status_every
            self._not_ready = self._check_status()
        if self._not_ready is not None:
            raise self._not_ready  # the loop reports it and stays failing until a status check is fine

    def _check_status(self) -> DeviceError | None:
        try:
            status = self.printer.status()
            if status is not None:
                status.raise_if_not_ready()
        except DeviceError as exc:
            return exc
        return None

    def cleanup(self) -> None:
        self.printer.close()


class LedAdapter(_Commands):
    sig_shown = Signal(str)

    def __init__(self, display, parent: QObject | None = None) -> None:
        super().__init__(0.5, parent)
        self.display = display

    def show_text(self, text: str, area_id: int = 0) -> None:
        self.submit(self._show, text, area_id)

    def _show(self, text: str, area_id: int) -> None:
        self.display.show(text, area_id=area_id)
        self.sig_shown.emit(text)

    def step(self) -> None:
        self.run_commands(wait=0.1)

    def cleanup(self) -> None:
        self.display.close()


class PcscAdapter(DeviceLoop):
    """Watches a PC/SC reader: `sig_card_inserted(chip_serial_hex)` when an ID card arrives (other cards give
    an empty serial), `sig_card_removed()` when it leaves."""

    sig_card_inserted = Signal(str)
    sig_card_removed = Signal()

    def __init__(self, reader, parent: QObject | None = None, poll: float = 0.2,
                 retry_delay: float = 1.0) -> None:
        super().__init__(retry_delay=retry_delay, parent=parent)
        self.reader = reader
        self.poll = poll
        self._present = False

    def step(self) -> None:
        from drivers.idcard.pcsc import ApduError

        present = self.reader.card_present()
        if present and not self._present:
            try:
                serial = self.reader.chip_serial().hex().upper()
            except ApduError:
                serial = ""  # not an ID card; still a card (social security...) for the APDU path
            self.sig_card_inserted.emit(serial)
        elif self._present and not present:
            self.reader.disconnect()
            self.sig_card_removed.emit()
        self._present = present
        self.stop_event.wait(self.poll)

    def cleanup(self) -> None:
        self.reader.disconnect()
