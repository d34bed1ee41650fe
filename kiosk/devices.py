"""Device adapters for a mode, built from the config sections present; a missing section means "none"."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers import factory
from kiosk.config import KioskConfig


@dataclass
class Devices:
    printer: object | None = None
    idcard: object | None = None
    scanners: list = field(default_factory=list)
    keypad: object | None = None
    announcer: object | None = None
    loops: list = field(default_factory=list)   # DeviceLoop adapters to start and stop
    wedges: list = field(default_factory=list)  # (application, keyboard-wedge filter) pairs to take off at stop

    def start(self) -> None:
        for loop in self.loops:
            loop.start()

    def stop(self) -> None:
        for loop in self.loops:
            loop.stop()
        for app, wedge in self.wedges:  # a stopped kiosk must not go on reading fast typing as scans
            app.removeEventFilter(wedge)
        self.wedges.clear()
        if self.announcer is not None:
            self.announcer.close()

    def parts(self) -> list[tuple[str, object]]:
        """(part name, device loop) of every device whose faults are reported (shared/protocol/device_health)."""
        out = [(name, d) for name, d in (("printer", self.printer), ("idcard", self.idcard), ("keypad", self.keypad))
               if d is not None and hasattr(d, "sig_error")]
        return out + [("scanner", s) for s in self.scanners if hasattr(s, "sig_error")]

    def names(self) -> str:
        present = [n for n, d in (("打印机", self.printer), ("身份证阅读器", self.idcard), ("叫号器", self.keypad),
                                  ("语音", self.announcer)) if d is not None]
        present += ["扫码器"] * len(self.scanners)
        return "、".join(present) or "无"


def build(config: KioskConfig, app) -> Devices:  # noqa: ANN001  QApplication, for the keyboard-wedge filter
    from drivers.qt.devices import (IdCardReaderAdapter, KeypadAdapter, LineScannerAdapter, PrinterAdapter)
    from drivers.qt.wedge import WedgeScanFilter

    d, s = Devices(), config.devices
    if config.mode == "dispenser":
        if "printer" in s:
            # An idle printer is asked for its status every few seconds: paper out shows before a citizen taps.
            d.printer = PrinterAdapter(factory.ticket_printer(s["printer"]),
                                       status_every=float(s["printer"].get("status_every", 5.0)))
            d.loops.append(d.printer)
        if "idcard" in s:
            d.idcard = IdCardReaderAdapter(factory.idcard_reader(s["idcard"]))
            d.loops.append(d.idcard)
        if "scanner" in s:
            scanner = LineScannerAdapter(factory.line_scanner(s["scanner"]))
            d.scanners.append(scanner)
            d.loops.append(scanner)
        wedge = WedgeScanFilter(app)  # USB scanners in keyboard mode need no config at all
        app.installEventFilter(wedge)
        d.wedges.append((app, wedge))
        d.scanners.append(wedge)
    if config.mode == "evaluator" and "keypad" in s:
        d.keypad = KeypadAdapter(factory.keypad_receiver(s["keypad"]))
        d.loops.append(d.keypad)
    if config.mode == "display":
        from drivers.qt.tts import AnnouncerAdapter, QtSpeechEngine
        engine = factory.announcer_engine(s["tts"]) if "tts" in s else QtSpeechEngine()
        d.announcer = AnnouncerAdapter(engine)
    return d
