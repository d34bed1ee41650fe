"""The single Qt import point of every GovHall GUI (client, kiosk, drivers/qt): screens import Qt names from
here, so the binding and its minimum version are pinned in one place."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QDateTime, QElapsedTimer, QEvent,
                            QEventLoop, QLocale, QModelIndex, QObject, QPoint, QRect, QRunnable, QSize, QThread,
                            QThreadPool, QTimer, Qt, QUrl, Signal, Slot)
from PySide6.QtGui import (QAction, QBrush, QColor, QFont, QFontDatabase, QFontMetrics, QGuiApplication,
                           QImage, QKeySequence, QPainter, QPixmap, QShortcut)
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QBoxLayout, QButtonGroup, QCheckBox,
                               QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QFrame, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLayout, QLineEdit, QListWidget,
                               QListWidgetItem, QMainWindow, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton,
                               QScrollArea, QSizePolicy, QSpinBox, QSplitter, QStackedWidget, QStatusBar,
                               QSystemTrayIcon,
                               QTabBar, QTabWidget, QTableView, QTableWidget, QTableWidgetItem, QTextBrowser,
                               QTextEdit,
                               QToolButton, QVBoxLayout, QWidget)
# statistics screens: charts, printing and PDF (QtCharts and QtPrintSupport ship with PySide6-Addons/Essentials)
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
# the approver's material viewer: images through QImageReader, turned with QTransform
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSizeF
from PySide6.QtGui import QImageReader, QTransform

MIN_QT = (6, 6)
QT_VERSION = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
if QT_VERSION < MIN_QT:
    raise ImportError(f"GovHall needs PySide6 {'.'.join(map(str, MIN_QT))} or newer, found {PySide6.__version__}")

__all__ = [
    "QAbstractButton", "QAbstractItemView", "QAbstractTableModel", "QAction", "QApplication", "QBoxLayout", "QBrush",
    "QButtonGroup",
    "QCheckBox", "QColor", "QComboBox", "QCoreApplication", "QDateTime", "QDialog", "QDialogButtonBox",
    "QElapsedTimer", "QEvent", "QEventLoop", "QFileDialog", "QFont", "QFontDatabase", "QFontMetrics", "QFormLayout",
    "QFrame", "QGridLayout", "QGroupBox", "QGuiApplication", "QHBoxLayout", "QHeaderView", "QImage",
    "QKeySequence", "QLabel", "QLayout", "QLineEdit", "QListWidget", "QListWidgetItem", "QLocale", "QMainWindow",
    "QMessageBox",
    "QModelIndex", "QObject", "QPainter", "QPixmap", "QPlainTextEdit", "QPoint", "QPushButton",
    "QRadioButton", "QRect", "QRunnable", "QScrollArea", "QShortcut", "QSize", "QSizePolicy", "QSpinBox",
    "QSplitter", "QStackedWidget", "QStatusBar", "QSystemTrayIcon", "QTabBar", "QTabWidget", "QTableView",
    "QTableWidget", "QTableWidgetItem", "QTextBrowser", "QTextEdit", "QThread", "QThreadPool", "QTimer",
    "QToolButton", "QVBoxLayout", "QWidget",
    "Qt", "Signal", "Slot",
    "QBarCategoryAxis", "QBarSeries", "QBarSet", "QChart", "QChartView", "QValueAxis", "QPageLayout", "QPageSize",
    "QTextDocument", "QPrintDialog", "QPrinter", "QUrl", "QDateEdit", "QPrintPreviewDialog",
    "QBuffer", "QByteArray", "QIODevice", "QSizeF", "QImageReader", "QTransform",
]
