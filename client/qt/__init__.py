"""The client's single Qt import point. Screens import Qt names from here, so the binding and its minimum
version are pinned in one place. (The kiosk shares it: one binding, one version check.)"""

from __future__ import annotations

import PySide6
from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QDateTime, QElapsedTimer, QEvent, QModelIndex,
                            QObject, QPoint, QRect, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal, Slot)
from PySide6.QtGui import (QAction, QColor, QFont, QFontDatabase, QFontMetrics, QGuiApplication, QImage, QKeySequence,
                           QPainter, QPixmap)
from PySide6.QtWidgets import (QApplication, QDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPushButton, QScrollArea, QSizePolicy,
                               QStackedWidget,
                               QStatusBar, QTableView, QVBoxLayout, QWidget)

MIN_QT = (6, 6)
QT_VERSION = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
if QT_VERSION < MIN_QT:
    raise ImportError(f"GovHall needs PySide6 {'.'.join(map(str, MIN_QT))} or newer, found {PySide6.__version__}")

__all__ = [
    "QAbstractTableModel", "QAction", "QApplication", "QColor", "QCoreApplication", "QDateTime", "QElapsedTimer",
    "QImage", "QPainter", "QPoint", "QRect", "QScrollArea", "QDialog", "QEvent", "QFont", "QFontDatabase",
    "QFontMetrics", "QFormLayout", "QFrame", "QGridLayout", "QGuiApplication", "QHBoxLayout", "QKeySequence",
    "QLabel", "QLineEdit", "QListWidget", "QListWidgetItem", "QMainWindow", "QMessageBox", "QModelIndex", "QObject", "QPixmap", "QPushButton",
    "QRunnable", "QSize", "QSizePolicy", "QStackedWidget", "QStatusBar", "QTableView", "QThreadPool", "QTimer",
    "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot",
]
