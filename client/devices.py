"""This workstation's devices, built from its config (drivers/config.py format) and run in the drivers' Qt
adapters, so the GUI thread never waits on a port. A device that is not configured is simply absent."""

from __future__ import annotations

from pathlib import Path

from gui.qt import QObject
from client.services.capture import DocumentCamera
from drivers import factory
from drivers.config import DeviceSettings
from drivers.qt.devices import IdCardReaderAdapter, KeypadAdapter


class Devices(QObject):
    def __init__(self, settings: dict[str, DeviceSettings], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.settings = settings
        self.idcard: IdCardReaderAdapter | None = None
        self.keypad: KeypadAdapter | None = None
        self.printer = None  # drivers.printer.printer.TicketPrinter, used through Ops.run
        if "idcard" in settings:
            self.idcard = IdCardReaderAdapter(factory.idcard_reader(settings["idcard"]), self)
        if "keypad" in settings:
            self.keypad = KeypadAdapter(factory.keypad_receiver(settings["keypad"]), self)
        if "printer" in settings:
            self.printer = factory.ticket_printer(settings["printer"])
        # The document camera (高拍仪/webcam) for 拍照 of materials: opened only for each still, off the GUI thread.
        self.camera_source: int | str | None = None
        if "camera" in settings:
            source = settings["camera"].get("source", 0)
            self.camera_source = int(source) if str(source).isdigit() else str(source)

    def document_camera(self, folder: Path) -> DocumentCamera | None:
        return DocumentCamera(self.camera_source, folder) if self.camera_source is not None else None

    def start(self) -> None:
        for adapter in (self.idcard, self.keypad):
            if adapter is not None:
                adapter.start()

    def stop(self) -> None:
        for adapter in (self.idcard, self.keypad):
            if adapter is not None:
                adapter.stop()
        if self.printer is not None:
            self.printer.close()
