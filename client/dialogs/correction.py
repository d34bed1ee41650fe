"""补正告知: tick every material to correct — all missing ones are ticked already — and say what is wrong with
each; Art. 32(4) wants everything told at once."""

from __future__ import annotations

from gui.qt import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                       QTableWidgetItem, Qt, QVBoxLayout)


class CorrectionDialog(QDialog):
    def __init__(self, materials: list[str], missing: tuple[str, ...], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("补正材料告知"))
        self.resize(640, 420)
        self.table = QTableWidget(len(materials), 2)
        self.table.setHorizontalHeaderLabels([self.tr("需补正的材料"), self.tr("问题（可修改）")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, name in enumerate(materials):
            item = QTableWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if name in missing else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(self.tr("未提交") if name in missing else self.tr("")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("出具补正通知"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.message = QLabel("")
        self.message.setObjectName("error")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请一次性告知申请人需要补正的全部内容（《行政许可法》第三十二条）。")))
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def problems(self) -> dict[str, str]:
        out = {}
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked:
                out[self.table.item(row, 0).text()] = self.table.item(row, 1).text().strip()
        return out

    def _check(self) -> None:
        problems = self.problems()
        if not problems:
            self.message.setText(self.tr("请至少选择一项需要补正的材料"))
        elif any(not p for p in problems.values()):
            self.message.setText(self.tr("请写明每项材料的问题"))
        else:
            self.accept()
