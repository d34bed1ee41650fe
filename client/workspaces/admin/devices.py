"""设备管理: the hall's devices (kind, window, last seen, app version, pending outbox, open faults, token state),
revoking or rotating a device's token, and registering a new device with its config handed over as a file to
save and a QR code to scan (client/workspaces/admin/device_register.py)."""

from __future__ import annotations

import datetime as dt

from client.services.device_health import Fault
from client.widgets.device_alerts import KIND_NAMES, what_failed
from client.workspaces.admin.context import AdminContext, describe
from client.workspaces.admin.device_register import RegisterPanel
from gui.qt import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton,
                    QSplitter, QTableWidget, QTableWidgetItem, Qt, QVBoxLayout, QWidget, Signal)
from shared.queue.clock import CHINA_TZ

COLUMNS = ("类型", "名称", "窗口", "最近在线", "版本", "待发送", "故障", "令牌")


def seen_text(value: str | None) -> str:
    if not value:
        return "从未"
    return dt.datetime.fromisoformat(value).astimezone(CHINA_TZ).strftime("%m-%d %H:%M:%S")


def faults_text(faults: list[dict]) -> str:
    """In the words of the supervisor's fault banner (client/widgets/device_alerts.py)."""
    return "；".join(what_failed(Fault("", "", "", None, f.get("part", ""), f["code"], f.get("since", "")))
                    for f in faults) or "—"


class DevicesPage(QWidget):
    sig_loaded = Signal(object)  # the device list shown, or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.halls: list[dict] = []   # {"code", "name", "id", "windows": [numbers]}
        self.devices: list[dict] = []
        self.asked = 0  # the latest list query: an earlier, slower answer is dropped
        self.hall_box = QComboBox()
        self.hall_box.currentIndexChanged.connect(self._hall_changed)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.revoke_button = QPushButton(self.tr("吊销令牌"))
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.rotate_button = QPushButton(self.tr("更换令牌"))
        self.rotate_button.clicked.connect(self.rotate_selected)
        self.register = RegisterPanel(context)
        self.register.sig_registered.connect(lambda _: self.refresh())

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("大厅")))
        top.addWidget(self.hall_box, 1)
        top.addWidget(refresh)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.revoke_button)
        actions.addWidget(self.rotate_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.status)
        column.addWidget(self.table, 1)
        column.addLayout(actions)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.register)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(split)
        self._load_halls()

    # halls -------------------------------------------------------------------------------------------------
    def _load_halls(self) -> None:
        self.status.setText(self.tr("正在连接服务器……"))
        api = self.context.api

        def load() -> list[dict]:
            out = []
            for hall in api.get("/halls"):
                detail = api.get(f"/halls/{hall['code']}")
                out.append({"code": hall["code"], "name": hall["name"], "id": detail["id"],
                            "windows": sorted(w["number"] for w in detail.get("windows", []))})
            return out
        self.context.call(load, on_done=self._show_halls, on_error=self._failed)

    def _show_halls(self, halls: list[dict]) -> None:
        self.halls = halls
        own = self.context.services.reference.hall_id
        self.hall_box.blockSignals(True)
        self.hall_box.clear()
        for hall in halls:
            self.hall_box.addItem(f"{hall['name']}（{hall['code']}）", hall["id"])
        mine = next((i for i, h in enumerate(halls) if h["id"] == own), 0)
        self.hall_box.setCurrentIndex(mine)
        self.hall_box.blockSignals(False)
        self._hall_changed()

    def hall(self) -> dict | None:
        index = self.hall_box.currentIndex()
        return self.halls[index] if 0 <= index < len(self.halls) else None

    def _hall_changed(self) -> None:
        hall = self.hall()
        if hall is not None:
            self.register.set_hall(hall["code"], hall["windows"])
            self.refresh()

    # devices -----------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        hall = self.hall()
        if hall is None:
            self._load_halls()
            return
        self.asked += 1
        asked = self.asked
        self.context.call(lambda: self.context.api.get("/devices", hall_id=hall["id"])["devices"],
                          on_done=lambda devices: self._show(devices, asked),
                          on_error=lambda error: self._failed(error, asked))

    def _show(self, devices: list[dict], asked: int | None = None) -> None:
        if asked is not None and asked != self.asked:
            return
        self.devices = devices
        self.status.setText(self.tr("共 {n} 台设备。设备在下次同步时上报在线时间、版本和故障。").format(n=len(devices)))
        self.table.setRowCount(len(devices))
        for row, d in enumerate(devices):
            values = (KIND_NAMES.get(d["kind"], d["kind"]), d["name"],
                      str(d["window_number"]) if d.get("window_number") else "—", seen_text(d.get("last_seen_at")),
                      d.get("app_version") or "—",
                      "—" if d.get("outbox_pending") is None else str(d["outbox_pending"]),
                      faults_text(d.get("faults") or []), self.tr("已吊销") if d.get("revoked") else self.tr("有效"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 6 and d.get("faults"):
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, item)
        self.sig_loaded.emit(devices)

    def _failed(self, error, asked: int | None = None) -> None:  # noqa: ANN001
        if asked is not None and asked != self.asked:
            return
        self.status.setText(describe(error))
        self.sig_loaded.emit(error)

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.devices[rows[0].row()] if rows else None

    def confirm(self, text: str) -> bool:
        return QMessageBox.question(self, self.tr("设备管理"), text) == QMessageBox.StandardButton.Yes

    def revoke_selected(self) -> None:
        device = self.selected()
        if device is None:
            self.status.setText(self.tr("请先在表中选择一台设备"))
            return
        if not self.confirm(self.tr("吊销后该设备（{name}）将无法再同步，需重新注册。确定吊销？").format(name=device["name"])):
            return
        self.context.call(lambda: self.context.api.post(f"/admin/devices/{device['id']}/revoke"),
                          on_done=lambda _: self.refresh(), parent=self)

    def rotate_selected(self) -> None:
        device = self.selected()
        if device is None:
            self.status.setText(self.tr("请先在表中选择一台设备"))
            return
        if not self.confirm(self.tr("更换令牌后，旧令牌立即失效，须把新生成的配置文件拷贝到该设备（{name}）替换旧文件。确定更换？")
                            .format(name=device["name"])):
            return
        body = {"server": self.register.server_url()}  # the answer is the device's new config file
        self.context.call(lambda: self.context.api.post(f"/admin/devices/{device['id']}/rotate", body),
                          on_done=lambda reply: (self.register.show_rotated(device, reply), self.refresh()),
                          on_error=self.register.show_refusal, parent=self)
