"""What is on screen, as a file: when GOVHALL_UI_PROBE names a path, the program writes there, twice a second,
every visible window with the texts it shows and where (screen coordinates). Acceptance tests and the demo's
`--check` read it to find what to tap (xdotool clicks real pixels) and to see what a person would see;
support can ask a hall for it. Off unless the variable is set; costs one walk of the widget tree per tick."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from gui.qt import (QAbstractButton, QAbstractItemView, QApplication, QLabel, QLineEdit, QModelIndex,
                    QPlainTextEdit, QTabBar, QTextEdit, QTimer, QWidget)

ENV = "GOVHALL_UI_PROBE"
log = logging.getLogger("govhall.probe")
INTERVAL_MS = 500
MAX_ROWS = 40  # item views: the rows a person can read without scrolling, roughly


def _rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # list models keep columnCount private: one column
        columns = 1
    return [" | ".join(str(model.index(r, c).data() or "") for c in range(columns))
            for r in range(min(model.rowCount(root), MAX_ROWS))]


def _row_rects(view: QAbstractItemView) -> list[list[int]]:
    """Where each listed row's first cell is on screen (what a tap on the row hits)."""
    model, port = view.model(), view.viewport()
    if model is None:
        return []
    out = []
    for r in range(min(model.rowCount(QModelIndex()), MAX_ROWS)):
        cell = view.visualRect(model.index(r, 0))
        top_left = port.mapToGlobal(cell.topLeft())
        out.append([top_left.x(), top_left.y(), cell.width(), cell.height()])
    return out


def _tabs(bar: QTabBar) -> dict:
    rects = []
    for i in range(bar.count()):
        tab = bar.tabRect(i)
        top_left = bar.mapToGlobal(tab.topLeft())
        rects.append([top_left.x(), top_left.y(), tab.width(), tab.height()])
    return {"class": type(bar).__name__, "name": bar.objectName(),
            "tabs": [bar.tabText(i) for i in range(bar.count())], "tab_rects": rects,
            "current": bar.currentIndex(), "rect": _rect(bar)}


def _widget(widget: QWidget) -> dict | None:
    if isinstance(widget, QLabel):
        text = widget.text()
    elif isinstance(widget, QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.text() if widget.echoMode() == QLineEdit.EchoMode.Normal else ""
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        text = widget.toPlainText()
    elif isinstance(widget, QAbstractItemView):
        return {"class": type(widget).__name__, "name": widget.objectName(), "rows": _texts(widget),
                "row_rects": _row_rects(widget), "rect": _rect(widget)}
    elif isinstance(widget, QTabBar):
        return _tabs(widget)
    else:
        return None
    out = {"class": type(widget).__name__, "name": widget.objectName(), "text": text, "rect": _rect(widget),
           "enabled": widget.isEnabled(), "focus": widget.hasFocus()}
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        out["placeholder"] = widget.placeholderText()
    return out


def snapshot(app: QApplication) -> list[dict]:
    windows = []
    for top in app.topLevelWidgets():
        if not top.isVisible():
            continue
        items = [w for w in (_widget(c) for c in top.findChildren(QWidget) if c.isVisible()) if w]
        windows.append({"class": type(top).__name__, "title": top.windowTitle(), "rect": _rect(top),
                        "active": top.isActiveWindow(), "widgets": items})
    return windows


def install(app: QApplication, path: str | None = None) -> QTimer | None:
    target = path or os.environ.get(ENV)
    if not target:
        return None
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".tmp")

    def write() -> None:
        # Written whole and renamed: a reader never sees half a file. A probe must never take the program down.
        try:
            temp.write_text(json.dumps({"pid": os.getpid(), "windows": snapshot(app)}, ensure_ascii=False),
                            encoding="utf-8")
            os.replace(temp, out)
        except Exception:  # noqa: BLE001
            log.exception("the UI probe failed")

    timer = QTimer(app)
    timer.timeout.connect(write)
    timer.start(INTERVAL_MS)
    return timer
