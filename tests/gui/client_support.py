"""GUI test support for the workstation: services on an offline cache, simulated devices (GA 467 card reader
and keypad through sim://, a fake network ESC/POS printer over TCP), and saving each screen at 1920×1080 and
1366×768."""

from __future__ import annotations

import uuid
from pathlib import Path

from client.devices import Devices
from gui.ops import Ops
from client.windows.main_window import MainWindow
from drivers.config import DeviceSettings
from drivers.sim.host import SimHost
from drivers.sim.printer import PrinterSimulator
from drivers.sim.protocol_sim import model_for

SIZES = ((1920, 1080), (1366, 768))
OPEN_OPS: list[Ops] = []  # drained after each test (tests/gui/conftest.py) so no result lands after teardown


class SimDevices:
    """The simulators behind a workstation's config; `.settings` is what workstation.toml would hold."""

    def __init__(self, keypad_address: int = 3, keypad_protocol: str = "govhall-1") -> None:
        tag = uuid.uuid4().hex[:8]  # sim:// models live per URL: a fresh one per test
        self.idcard_url = f"sim://idcard?t={tag}"
        self.keypad_url = f"sim://keypad?address={keypad_address}&protocol={keypad_protocol}&t={tag}"
        self.printer = PrinterSimulator()
        self.printer_host = SimHost(self.printer, "tcp").start()
        self.idcard = model_for(self.idcard_url)
        self.idcard.remove()  # no card on the reader until the test presents one
        self.keypad = model_for(self.keypad_url)
        self.settings = {
            "idcard": DeviceSettings("idcard", port=self.idcard_url, baudrate=115200),
            "keypad": DeviceSettings("keypad", port=self.keypad_url, options={"protocol": keypad_protocol}),
            "printer": DeviceSettings("printer", port=str(self.printer_host.tcp_port), timeout=1.0,
                                      options={"transport": "network", "host": "127.0.0.1"}),
        }

    def stop(self) -> None:
        self.printer_host.stop()


def open_window(qtbot, services, devices: Devices | None = None) -> tuple[MainWindow, Ops, Devices]:  # noqa: ANN001
    ops = Ops()
    OPEN_OPS.append(ops)
    devices = devices or Devices({})
    window = MainWindow(services, ops, devices)
    qtbot.addWidget(window)
    window.resize(*SIZES[0])
    window.show()
    devices.start()
    return window, ops, devices


def shoot(qtbot, screenshot, widget, name: str) -> list[Path]:  # noqa: ANN001
    """Save `widget` at both screen sizes as tests/screenshots/client/<name>-<w>x<h>.png."""
    paths = []
    for width, height in SIZES:
        widget.resize(width, height)
        qtbot.wait(60)
        paths.append(screenshot(widget, f"client/{name}-{width}x{height}"))
    widget.resize(*SIZES[0])
    return paths


def shoot_dialog(qtbot, screenshot, dialog, name: str) -> Path:  # noqa: ANN001
    qtbot.waitExposed(dialog)
    qtbot.wait(60)
    return screenshot(dialog, f"client/{name}")
