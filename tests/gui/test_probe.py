"""gui.probe writes what a program shows: visible windows, their texts and screen rectangles, list rows and
where each is, tab bars with their tabs, text boxes."""

from __future__ import annotations

import json

from gui import probe
from gui.qt import (QApplication, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QTabWidget,
                    QVBoxLayout, QWidget)


def test_snapshot_lists_visible_texts_with_rectangles_and_skips_passwords(qtbot, tmp_path) -> None:  # noqa: ANN001
    window = QWidget()
    window.setWindowTitle("探针")
    box = QVBoxLayout(window)
    box.addWidget(QLabel("A001"))
    box.addWidget(QPushButton("非常满意"))
    secret = QLineEdit("GovHall@2026")
    secret.setEchoMode(QLineEdit.EchoMode.Password)
    secret.setPlaceholderText("密码")
    box.addWidget(secret)
    rows = QListWidget()
    rows.addItems(["电梯", "锅炉"])
    box.addWidget(rows)
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "收件受理")
    tabs.addTab(QWidget(), "办件")
    box.addWidget(tabs)
    opinion = QPlainTextEdit("同意")
    opinion.setPlaceholderText("办理意见")
    box.addWidget(opinion)
    hidden = QLabel("不可见")
    box.addWidget(hidden)
    hidden.hide()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    timer = probe.install(QApplication.instance(), str(tmp_path / "screen.json"))
    qtbot.waitUntil(lambda: (tmp_path / "screen.json").exists())
    timer.stop()
    windows = json.loads((tmp_path / "screen.json").read_text(encoding="utf-8"))["windows"]
    mine = next(w for w in windows if w["title"] == "探针")
    texts = {w.get("text") for w in mine["widgets"]}
    assert {"A001", "非常满意"} <= texts and "不可见" not in texts and "GovHall@2026" not in texts
    assert next(w for w in mine["widgets"] if w["class"] == "QLineEdit")["placeholder"] == "密码"
    assert next(w for w in mine["widgets"] if w["class"] == "QListWidget")["rows"] == ["电梯", "锅炉"]
    listed = next(w for w in mine["widgets"] if w["class"] == "QListWidget")
    first, second = listed["row_rects"]
    assert first[1] < second[1] and listed["rect"][1] <= first[1] < listed["rect"][1] + listed["rect"][3]
    bar = next(w for w in mine["widgets"] if w["class"] == "QTabBar")
    assert bar["tabs"] == ["收件受理", "办件"] and bar["current"] == 0
    assert bar["tab_rects"][0][0] < bar["tab_rects"][1][0] and bar["tab_rects"][1][2] > 0
    edit = next(w for w in mine["widgets"] if w["class"] == "QPlainTextEdit")
    assert (edit["text"], edit["placeholder"]) == ("同意", "办理意见")
    label = next(w for w in mine["widgets"] if w.get("text") == "A001")
    x, y, width, height = label["rect"]
    assert width > 0 and height > 0 and x >= mine["rect"][0] and y >= mine["rect"][1]


def test_off_unless_asked(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(probe.ENV, raising=False)
    assert probe.install(QApplication.instance()) is None
