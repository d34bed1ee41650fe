"""概览: the admin's first page — the halls the server knows, with their windows, businesses and devices, and
whether the server can be reached (admin edits need it)."""

from __future__ import annotations

from client.services.admin_api import OFFLINE, AdminError
from client.workspaces.admin.context import AdminContext, describe
from gui.qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                    QVBoxLayout, QWidget, Signal)


class OverviewPage(QWidget):
    sig_loaded = Signal(object)  # the list of halls shown, or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.halls = QTableWidget(0, 4)
        self.halls.setHorizontalHeaderLabels([self.tr("大厅编码"), self.tr("名称"), self.tr("窗口数"), self.tr("设备数")])
        self.halls.verticalHeader().hide()
        self.halls.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.halls.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.halls)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.status.setText(self.tr("正在连接服务器……"))
        api = self.context.api

        def load() -> list[dict]:
            out = []
            for hall in api.get("/halls"):
                detail = api.get(f"/halls/{hall['code']}")
                try:
                    devices = str(len(api.get("/devices", hall_id=detail["id"])["devices"]))
                except AdminError as exc:
                    if exc.code == OFFLINE:
                        raise
                    devices = "—"  # another hall's devices: not this administrator's to see
                out.append({"code": hall["code"], "name": hall["name"], "windows": len(detail.get("windows", [])),
                            "devices": devices})
            return out
        self.context.call(load, on_done=self._show, on_error=self._failed)

    def _show(self, halls: list[dict]) -> None:
        self.status.setText(self.tr("已连接服务器。管理修改直接提交服务器，其他岗位在下次同步时获得更新。"))
        self.halls.setRowCount(len(halls))
        for row, hall in enumerate(halls):
            for col, value in enumerate((hall["code"], hall["name"], str(hall["windows"]), hall["devices"])):
                self.halls.setItem(row, col, QTableWidgetItem(value))
        self.sig_loaded.emit(halls)

    def _failed(self, error) -> None:  # noqa: ANN001
        self.status.setText(describe(error))
        self.sig_loaded.emit(error)
