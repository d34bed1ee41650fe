"""选择窗口: right after a clerk signs in on a workstation with no fixed window, the hall's windows in service
with the clerk's usual window preselected (client.services.window_choice); a window where another clerk is
serving now is shown but cannot be taken. The choice is read before the dialog opens (off the GUI thread)."""

from __future__ import annotations

from client.services.window_choice import WindowChoice
from gui.qt import (QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, Qt, QVBoxLayout,
                    Signal)


class WindowChoiceDialog(QDialog):
    sig_chosen = Signal(object)  # the window number, or None: at no window this session

    def __init__(self, choice: WindowChoice, display_name: str = "", parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.choice = choice
        self.setWindowTitle(self.tr("GovHall 政务大厅 · 选择窗口"))
        self.setMinimumWidth(460)
        greeting = QLabel(self.tr("{0}，请确认本次所在的窗口。").format(display_name) if display_name
                          else self.tr("请确认本次所在的窗口。"))
        greeting.setWordWrap(True)
        greeting.setStyleSheet("font-weight: bold;")
        if choice.usual is None:
            hint = self.tr("管理员未设置您的常用窗口，请选择一个空闲窗口。")
        elif choice.preselected == choice.usual:
            hint = self.tr("已选中您的常用窗口，也可以改选其他空闲窗口。")
        else:
            hint = self.tr("您的常用窗口 {0} 号现在有其他工作人员在办理，请选择其他空闲窗口。").format(choice.usual)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.list = QListWidget()
        for option in choice.options:
            text = self.tr("{0} 号窗口").format(option.number)
            if option.name and option.name.replace(" ", "") != f"{option.number}号窗口":  # a name of its own
                text += f" · {option.name}"
            if option.number == choice.usual:
                text += self.tr("（常用）")
            if not option.free:
                text += self.tr("（{0} 正在办理）").format(option.taken_by)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, option.number)
            if not option.free:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            self.list.addItem(item)
            if option.number == choice.preselected:
                self.list.setCurrentItem(item)
        rows = min(max(len(choice.options), 3), 12)  # all of a usual hall's windows without scrolling
        self.list.setMinimumHeight(self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4)
        self.list.itemDoubleClicked.connect(lambda _item: self._ok())
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.ok_button = QPushButton(self.tr("在此窗口办理"))
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._ok)
        self.none_button = QPushButton(self.tr("暂不坐窗口"))
        self.none_button.setToolTip(self.tr("不叫号，只办理案件"))
        self.none_button.clicked.connect(lambda: self._chosen(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addWidget(greeting)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        if choice.preselected is None:
            empty = QLabel(self.tr("现在没有空闲窗口。") if choice.options else self.tr("本大厅还没有可用的窗口。"))
            empty.setStyleSheet("color: #b00020;")
            layout.addWidget(empty)
        layout.addLayout(buttons)
        self._enable()

    def selected(self) -> int | None:
        item = self.list.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        return item.data(Qt.ItemDataRole.UserRole)

    def select(self, number: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == number:
                self.list.setCurrentRow(row)

    def _enable(self) -> None:
        self.ok_button.setEnabled(self.selected() is not None)

    def _ok(self) -> None:
        number = self.selected()
        if number is not None:
            self._chosen(number)

    def _chosen(self, number: int | None) -> None:
        self.sig_chosen.emit(number)
        self.accept()
