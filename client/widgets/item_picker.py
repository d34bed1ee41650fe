"""Pick the item / sub-item / situation of an application by typing Chinese, pinyin initials or a code."""

from __future__ import annotations

from gui.qt import QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, Qt, QVBoxLayout, QWidget, Signal
from client.services.catalogue import CatalogueChoice, CatalogueIndex, SituationChoice

ROLE = Qt.ItemDataRole.UserRole


class ItemPicker(QWidget):
    sig_chosen = Signal(object, object)  # (CatalogueChoice, SituationChoice)

    def __init__(self, index: CatalogueIndex, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.index = index
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("输入事项名称、拼音首字母或事项编码，如 tzsb、电梯、00790"))
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.situations = QListWidget()
        for names in (self.results, self.situations):  # long item names wrap instead of running off the list
            names.setWordWrap(True)
            names.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)

        lists = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel(self.tr("事项 / 子项")))
        left.addWidget(self.results, 3)
        right.addWidget(QLabel(self.tr("办理情形")))
        right.addWidget(self.situations, 2)
        right.addWidget(self.detail, 1)
        lists.addLayout(left, 2)
        lists.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addLayout(lists)

        self.query.textChanged.connect(self._refresh)
        self.results.currentItemChanged.connect(self._show_situations)
        self.situations.currentItemChanged.connect(self._show_detail)
        self.situations.itemActivated.connect(self._choose)
        self._refresh("")

    def _refresh(self, text: str) -> None:
        self.results.clear()
        for choice in self.index.search(text):
            line = QListWidgetItem(choice.label if choice.sub_item_name is None
                                   else f"{choice.sub_item_name}　〔{choice.item_name}〕")
            line.setData(ROLE, choice)
            line.setToolTip(line.text())
            self.results.addItem(line)
        if self.results.count():
            self.results.setCurrentRow(0)
        else:
            self.situations.clear()
            self.detail.setText(self.tr("没有找到匹配的事项") if text.strip() else "")

    def _show_situations(self, current: QListWidgetItem | None) -> None:
        self.situations.clear()
        choice: CatalogueChoice | None = current.data(ROLE) if current else None
        if choice is None:
            return
        for situation in choice.situations:
            line = QListWidgetItem(situation.name)
            line.setData(ROLE, situation)
            self.situations.addItem(line)
        self.detail.setText(self.tr("法定时限 {0} 个工作日，承诺时限 {1} 个工作日")
                            .format(choice.statutory_limit_days, choice.promised_limit_days))

    def _show_detail(self, current: QListWidgetItem | None) -> None:
        situation: SituationChoice | None = current.data(ROLE) if current else None
        if situation is None:
            return
        required = [name for name, req in situation.materials if req]
        self.detail.setText(self.tr("需提交材料：") + "、".join(required))

    def _choose(self, line: QListWidgetItem) -> None:
        choice = self.results.currentItem().data(ROLE)
        self.sig_chosen.emit(choice, line.data(ROLE))
