"""A refused (stale) action: someone else changed the case first. Says who and when, offers to reload."""

from __future__ import annotations

from gui.qt import QDialog, QDialogButtonBox, QLabel, QVBoxLayout


class StaleDialog(QDialog):
    def __init__(self, details: dict, staff_name, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("办件已被他人处理"))
        who = staff_name(details.get("changed_by")) or self.tr("其他人员")
        when = str(details.get("changed_at") or "")[:16].replace("T", " ")
        text = self.tr("您看到的办件已过时，操作未执行。\n\n{0} 已于 {1} 办理了该办件（当前版本 {2}）。\n"
                       "请重新载入办件，查看最新情况后再办理。").format(who, when, details.get("current_version", ""))
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.reload = buttons.addButton(self.tr("重新载入"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(480, 200)
