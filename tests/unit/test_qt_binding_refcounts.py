"""The Qt binding must not leak or steal references: PySide6 6.12.0 on Python 3.11 dropped a reference to None at
every call of a Qt method returning nothing, so a kiosk running for hours died with "none_dealloc". setup.cfg
keeps that release out; this test catches a binding that brings the fault back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calling_qt_methods_that_return_nothing_keeps_none_alive(qapp) -> None:  # noqa: ANN001
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
        label.setEnabled(bool(i % 2))
    assert abs(sys.getrefcount(None) - before) < 50  # a few from the interpreter's own work, never one per call
