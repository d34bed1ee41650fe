"""The main window: a header (who, which role, which window), the workspace of the user's role, and the
status bar (sync state, rejected commands, devices)."""

from __future__ import annotations

from client.devices import Devices
from gui.device_health import HealthReporter
from gui.ops import Ops
from gui.qt import QAction, QFrame, QHBoxLayout, QLabel, QMainWindow, QToolButton, QVBoxLayout, QWidget
from client.services.context import Services
from client.widgets.device_alerts import FaultBanner, FaultWatch
from client.widgets.staff_alerts import AlertTray, AlertWatch
from client.widgets.style import stylesheet
from client.widgets.sync_status import SyncStatusWidget
from client.widgets.type_size import TypeSize, apply_type_size

ALERTED_ROLES = ("clerk", "supervisor", "admin")
ROLE_NAMES = {"clerk": "窗口受理", "approver": "审批", "supervisor": "督查督办", "admin": "系统管理", "leader": "领导"}


def workspace_for(services: Services, ops: Ops, devices: Devices, faults: FaultWatch | None = None) -> QWidget:
    role = services.session.primary_role
    if role == "clerk":
        from client.workspaces.clerk.workspace import ClerkWorkspace
        return ClerkWorkspace(services, ops, devices)
    if role == "admin":
        from client.workspaces.admin.workspace import AdminWorkspace
        return AdminWorkspace(services, ops)
    if role == "supervisor":
        from client.workspaces.supervisor.workspace import SupervisorWorkspace
        return SupervisorWorkspace(services, ops, faults=faults)
    if role == "leader":  # read-only: dashboard, statistics, the late cases', 督办's and 差评's overviews
        from client.workspaces.leader.workspace import LeaderWorkspace
        return LeaderWorkspace(services, ops)
    from client.workspaces.approver.workspace import ApproverWorkspace
    return ApproverWorkspace(services, ops, materials=services.attachments)


class MainWindow(QMainWindow):
    def __init__(self, services: Services, ops: Ops, devices: Devices, parent=None,  # noqa: ANN001
                 type_size: TypeSize | None = None) -> None:
        super().__init__(parent)
        self.services, self.ops, self.devices = services, ops, devices
        self.type_size = type_size or TypeSize()
        session = services.session
        self.setStyleSheet(stylesheet(self.type_size.scale))
        self.setWindowTitle(self.tr("GovHall 政务服务中心业务系统 · {0}").format(services.reference.hall_name))
        header = QFrame()
        header.setObjectName("header")
        title = QLabel(self.tr("政务服务中心业务系统"))
        title.setObjectName("title")
        role = self.tr(ROLE_NAMES.get(session.primary_role, session.primary_role))
        window = services.desk.window.name if services.desk else ""
        who = QLabel(self.tr("{0}（{1}）· {2}{3}").format(session.display_name, session.staff_no, role,
                                                        f" · {window}" if window else ""))
        bar = QHBoxLayout(header)
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(QLabel(services.reference.hall_name))
        bar.addSpacing(24)
        bar.addWidget(who)
        # 大字体 in the header, not a menu bar: a menu bar would take a line from the 1366×768 screen
        self.large_type = QAction(self.tr("大字体"), self, checkable=True, checked=self.type_size.large)
        self.large_type.setToolTip(self.tr("放大全部文字（下次启动保持）"))
        self.large_type.toggled.connect(self.set_large_type)
        large = QToolButton()
        large.setObjectName("typesize")
        large.setDefaultAction(self.large_type)
        bar.addSpacing(12)
        bar.addWidget(large)
        for text, slot in ((self.tr("设备设置"), self.open_device_settings), (self.tr("设置 PIN"), self.open_set_pin)):
            button = QToolButton(text=text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        if session.offline:
            offline = QLabel(self.tr("离线登录"))
            offline.setStyleSheet("background: #b7791f; padding: 2px 8px; border-radius: 3px;")
            bar.addWidget(offline)
        # Hall device faults (a dispenser out of paper, an LED card gone) reach the staff who can act on them.
        self.faults = FaultWatch(services.sync, ops, self) if session.primary_role in ALERTED_ROLES else None
        self.workspace = workspace_for(services, ops, devices, self.faults)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        if self.faults is not None:
            self.fault_banner = FaultBanner(self.faults)
            layout.addWidget(self.fault_banner)
            self.faults.refresh()
        body = QVBoxLayout()
        body.setContentsMargins(8, 8, 8, 8)
        shown = self.workspace
        if session.primary_role not in ("clerk", "supervisor", "admin", "leader"):  # approvers: 差评整改 from the header
            from client.workspaces.rectification.panel import WithRectification
            shown = self.stack = WithRectification(self.workspace, services, ops)
            self.rectification_button = QToolButton(text=self.tr("差评整改"), checkable=True)
            self.rectification_button.setObjectName("typesize")  # a header toggle, styled as 大字体 is
            self.rectification_button.toggled.connect(self.stack.show_rectification)
            bar.addWidget(self.rectification_button)
        body.addWidget(shown)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        # 新待办, 催办, 督办 for the user's roles, as the server publishes them (tray pop-up and status bar).
        self.alerts = AlertWatch(services.sync, ops, session.roles, self)
        self.alert_tray = AlertTray(self.alerts, self)
        self.alerts.refresh()
        self.sync_status = SyncStatusWidget(services.sync, ops, services.registered)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.device_state = QLabel(self._devices_text())
        self.statusBar().addWidget(self.device_state)
        # This workstation's own devices report their faults (an unplugged reader) like the hall's kiosks do.
        self.health = HealthReporter(services.sync, ops, services.clock)
        for part, adapter in (("idcard", devices.idcard), ("keypad", devices.keypad)):
            if adapter is not None:
                self.health.watch(adapter, part)

    def set_large_type(self, large: bool) -> None:
        """The 显示 → 大字体 switch: applied at once to every window, kept for the next start."""
        self.type_size.large = large
        apply_type_size(self.type_size, self)
        self.type_size.save()

    def open_device_settings(self):  # noqa: ANN201
        from client.dialogs.device_settings import DeviceSettingsDialog
        dialog = DeviceSettingsDialog(self.devices, self.services.workstation, self)
        dialog.show()
        return dialog

    def open_set_pin(self):  # noqa: ANN201
        from client.dialogs.staff_pin import SetPinDialog
        from client.services.auth import workstation_auth
        dialog = SetPinDialog(workstation_auth(self.services.workstation), self.services.session, self.ops, self)
        dialog.show()
        return dialog

    def _devices_text(self) -> str:
        names = [(self.devices.idcard, "读卡器"), (self.devices.keypad, "叫号器"), (self.devices.printer, "打印机")]
        present = [self.tr(n) for d, n in names if d is not None]
        return self.tr("设备：{0}").format("、".join(present) if present else self.tr("未配置"))
