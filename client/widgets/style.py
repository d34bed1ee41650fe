"""One stylesheet for the workstation: calm government-blue header, clear primary buttons, red/yellow cards."""

from __future__ import annotations

PRIMARY = "#1f5fa8"
RED, YELLOW, GREEN = "#c62828", "#b7791f", "#2e7d32"


def stylesheet(scale: float = 1.0) -> str:
    """The stylesheet with its few explicit type sizes times `scale` (大字体 mode: client.widgets.type_size);
    everything else follows the application font."""
    return f"""
QMainWindow, QDialog {{ background: #f4f6f9; }}
QFrame#header {{ background: {PRIMARY}; }}
QFrame#header QLabel {{ color: white; }}
QToolButton#typesize {{ color: white; background: transparent; border: 1px solid #8fb3e0; border-radius: 3px;
                        padding: 2px 8px; }}
QToolButton#typesize:checked {{ background: white; color: {PRIMARY}; font-weight: bold; }}
QLabel#title {{ font-size: {16 * scale:.1f}pt; font-weight: bold; }}
QGroupBox {{ background: white; border: 1px solid #d5dbe3; border-radius: 6px; margin-top: 14px;
            padding: 10px 8px 8px 8px; font-weight: bold; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #33475b; }}
QPushButton {{ padding: 6px 14px; border: 1px solid #b8c2cc; border-radius: 4px; background: white; }}
QPushButton:hover {{ background: #eaf1fb; }}
QPushButton:disabled {{ color: #9aa5b1; background: #f0f2f5; }}
QPushButton[primary="true"] {{ background: {PRIMARY}; color: white; border-color: {PRIMARY}; font-weight: bold; }}
QPushButton[primary="true"]:hover {{ background: #2a6fbd; }}
QPushButton[primary="true"]:disabled {{ background: #b9c9dc; border-color: #b9c9dc; color: #eef2f7; }}
QPushButton[danger="true"] {{ color: {RED}; border-color: {RED}; }}
QPushButton[danger="true"]:disabled {{ color: #d9a5a5; border-color: #e3c4c4; }}
QPushButton[compact="true"] {{ padding: 3px 6px; }}
QLabel#ticket {{ font-size: {44 * scale:.1f}pt; font-weight: bold; color: {PRIMARY}; }}
QLabel#muted {{ color: #66788a; }}
QLabel#warning {{ color: {YELLOW}; }}
QLabel#error {{ color: {RED}; }}
QLabel#ok {{ color: {GREEN}; }}
QTableView {{ background: white; gridline-color: #e3e8ee; selection-background-color: #d6e6fa;
             selection-color: black; }}
QHeaderView::section {{ background: #eef2f7; padding: 4px; border: none; border-right: 1px solid #dde3ea; }}
QTabWidget::pane {{ border: 1px solid #d5dbe3; background: white; }}
QStatusBar {{ background: #e9edf2; }}
"""


STYLESHEET = stylesheet()


def mark(button, kind: str = "primary"):  # noqa: ANN001, ANN201
    """Give a button a role the stylesheet styles (primary / danger / compact)."""
    button.setProperty(kind, True)
    return button
