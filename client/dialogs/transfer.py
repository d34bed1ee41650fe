"""转移: to another business (keeps the ticket's place in line) or to a named window."""

from __future__ import annotations

from gui.qt import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QRadioButton, QVBoxLayout
from client.services.reference import Reference
from shared.queue.config import Window


class TransferDialog(QDialog):
    def __init__(self, reference: Reference, own: Window, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.reference, self.own = reference, own
        self.setWindowTitle(self.tr("转移号票"))
        self.to_business = QRadioButton(self.tr("转到其他业务"))
        self.to_window = QRadioButton(self.tr("转到指定窗口"))
        self.to_business.setChecked(True)
        self.businesses = QComboBox()
        for bid, (prefix, name) in sorted(reference.businesses.items(), key=lambda kv: kv[1][0]):
            self.businesses.addItem(f"{prefix}　{name}", bid)
        self.windows = QComboBox()
        for w in sorted(reference.windows.values(), key=lambda w: w.number):
            if w.id != own.id:
                self.windows.addItem(w.name or f"{w.number}号窗口", w.id)
        form = QFormLayout()
        form.addRow(self.to_business, self.businesses)
        form.addRow(self.to_window, self.windows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("转移"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("转移后号票保留原取号时间排队。")))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def target(self) -> dict:
        """Arguments for QueueDesk.transfer."""
        if self.to_window.isChecked():
            window = self.reference.windows[self.windows.currentData()]
            return {"to_window": window, "to_business_id": None}
        return {"to_business_id": self.businesses.currentData(), "to_window": None}
