"""A stopped dispenser hands the keyboard back: its keyboard-wedge scan filter sits on the whole application, so a
kiosk stopped in a process that goes on (a test run, an admin's check of a handed-over config) must take it off,
or fast typing ending in Return is read as a scan and never reaches the field it was typed into."""

from __future__ import annotations

from gui.qt import QApplication, QLineEdit, Qt
from kiosk.config import KioskConfig
from kiosk.devices import build


def test_a_stopped_dispensers_wedge_filter_lets_typing_through(qtbot) -> None:  # noqa: ANN001
    devices = build(KioskConfig(mode="dispenser"), QApplication.instance())
    devices.start()
    devices.stop()
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    entered = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    qtbot.keyClicks(field, "clerk")  # as fast as a scanner types
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["clerk"]
