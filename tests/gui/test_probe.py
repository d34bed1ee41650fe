"""gui.probe writes what a program shows: visible windows, their texts and screen rectangles, list rows."""

from __future__ import annotations

import json

from gui import probe
from gui.qt import QApplication, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget


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
    label = next(w for w in mine["widgets"] if w.get("text") == "A001")
    x, y, width, height = label["rect"]
    assert width > 0 and height > 0 and x >= mine["rect"][0] and y >= mine["rect"][1]


def test_off_unless_asked(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(probe.ENV, raising=False)
    assert probe.install(QApplication.instance()) is None
