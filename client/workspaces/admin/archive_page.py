"""电子档案 in 系统管理: the archive page (client/workspaces/archive/page.py) of the hall chosen in the picker (a
hall admin their own hall, an admin of no hall any hall; the workstation's hall first), with 销毁."""

from __future__ import annotations

from client.services.admin_api import AdminError
from client.services.archive import ArchiveService
from client.workspaces.admin.admin_widgets import HallPicker, hall_page
from client.workspaces.admin.context import AdminContext, describe
from client.workspaces.archive.page import ArchivePage
from gui.qt import QLabel, QVBoxLayout, QWidget
from shared.queue.clock import CHINA_TZ


class ArchiveAdminPage(QWidget):
    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        services = context.services
        names = {c.item_code: c.item_name for c in services.catalogue.choices}
        self.service = ArchiveService(context.api, None)
        self.archive = ArchivePage(self.service, context.ops, services.workstation.data_dir / "archive",
                                   services.clock().astimezone(CHINA_TZ).date(), True,
                                   lambda code: names.get(code, code))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.hall = HallPicker(context, on_error=self._failed)
        self.hall.prefer_id = services.reference.hall_id
        self.hall.currentIndexChanged.connect(lambda _: self._hall_chosen())
        body = QVBoxLayout()
        body.addWidget(self.archive)
        hall_page(self, self.tr("大厅"), self.hall, body, self.status)
        self.hall.load()

    def _hall_chosen(self) -> None:
        hall = self.hall.hall_id()
        if hall is None or hall == self.service.hall_id:
            return
        self.service.hall_id = hall
        self.archive.search()

    def _failed(self, error: AdminError) -> None:
        self.status.setText(describe(error))
