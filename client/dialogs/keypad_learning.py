"""设备设置 → 学习叫号器按键: "请依次按每个键". The keypad's receiver reports raw presses (learning mode); each
is recorded for the key asked for; 保存 writes a keypad description file (drivers/keypad/learn.py) and the
workstation speaks it at once."""

from __future__ import annotations

from pathlib import Path

from client.services.workstation import LEARNED_KEYPAD
from drivers.keypad.learn import KeyLearning

# what the installer is asked to press for each action (drivers.keypad.learn.STEPS)
LABELS = {"next": "呼叫（下一位）", "recall": "重呼", "pause_toggle": "暂停/恢复", "transfer": "转移", "evaluate": "评价",
          "hold": "挂起", "query": "查询等候人数", "enter": "确认", "clear": "清除",
          **{f"digit:{d}": f"数字 {d}" for d in "0123456789"}}
from gui.qt import (QDialog, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                    Signal)


class KeypadLearningDialog(QDialog):
    sig_saved = Signal(str)  # the description file

    def __init__(self, keypad, folder: Path, parent=None) -> None:  # noqa: ANN001  KeypadAdapter
        super().__init__(parent)
        self.keypad, self.folder = keypad, Path(folder)
        self.learning = KeyLearning()
        self.setWindowTitle(self.tr("学习叫号器按键"))
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.table = QTableWidget(len(self.learning.steps), 2)
        self.table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("收到的数据")])
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, action in enumerate(self.learning.steps):
            self.table.setItem(row, 0, QTableWidgetItem(self._label(action)))
            self.table.setItem(row, 1, QTableWidgetItem(""))
        self.skip = QPushButton(self.tr("跳过此键"))
        self.skip.clicked.connect(self._skip)
        self.restart = QPushButton(self.tr("重新开始"))
        self.restart.clicked.connect(self._restart)
        self.save = QPushButton(self.tr("保存"))
        self.save.clicked.connect(self._save)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.skip, self.restart):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请依次按每个键（叫号器上没有的键请点“跳过此键”）。")))
        layout.addWidget(self.prompt)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(560, 640)
        self.listening = False  # until the receiver has switched to learning mode
        self._stopped = False
        keypad.sig_raw.connect(self.on_raw)
        keypad.sig_learning.connect(self._listening)
        keypad.learn(True)
        self.finished.connect(self._stop)
        self._show()

    def _listening(self, on: bool) -> None:
        self.listening = on
        self._show()

    def on_raw(self, frame: bytes) -> None:
        row = self.learning.position
        outcome = self.learning.record(frame)
        if outcome == "learned":
            self.table.item(row, 1).setText(frame.hex(" ").upper())
            self.message.setText("")
        elif outcome == "repeat":
            taken = self.learning.frames[bytes(frame)]
            self.message.setText(self.tr("这个键已记录为“{0}”，请按“{1}”").format(
                self._label(taken), self._label(self.learning.current)))
        self._show()

    def _skip(self) -> None:
        if self.learning.current is not None:
            self.table.item(self.learning.position, 1).setText(self.tr("（已跳过）"))
        self.learning.skip()
        self._show()

    def _restart(self) -> None:
        self.learning = KeyLearning()
        for row in range(self.table.rowCount()):
            self.table.item(row, 1).setText("")
        self.message.setText("")
        self._show()

    def _save(self) -> None:
        if not self.learning.frames:
            self.message.setText(self.tr("还没有记录任何按键"))
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / LEARNED_KEYPAD
        path.write_text(self.learning.toml(), encoding="utf-8")
        self._stop()  # learning off before the new description is on (the adapter runs commands in order)
        self.keypad.use(str(path))
        self.sig_saved.emit(str(path))
        self.accept()

    def _stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for signal, slot in ((self.keypad.sig_raw, self.on_raw), (self.keypad.sig_learning, self._listening)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        self.keypad.learn(False)

    def _label(self, action: str) -> str:
        return self.tr(LABELS.get(action, action))

    def _show(self) -> None:
        current = self.learning.current
        if not self.listening:
            self.prompt.setText(self.tr("正在连接叫号器…"))
        else:
            self.prompt.setText(self.tr("请按：{0}").format(self._label(current)) if current
                                else self.tr("全部按键已记录，请点“保存”"))
        self.skip.setEnabled(current is not None)
        if current is not None:
            self.table.selectRow(self.learning.position)
