"""角色权限: a read-only table of roles × what they may do, as the server's routes define it (GET
/admin/roles reads the routes' own role checks), and which workflow steps each step role handles."""

from __future__ import annotations

from client.workspaces.admin.admin_widgets import StatusLine, fill, table
from client.workspaces.admin.context import AdminContext
from gui.qt import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget, Signal

METHODS = {"GET": "查看", "POST": "新建/执行", "PUT": "设置", "PATCH": "修改", "DELETE": "删除"}
# The words of the routes' paths, for a readable name of each operation (the permission itself comes from the
# server; an unknown word is shown as it is).
WORDS = {"audit": "审计日志", "export": "导出", "calendar": "日历", "days": "日期", "years": "年度", "centres": "中心",
         "halls": "大厅", "floors": "楼层", "windows": "窗口", "staff": "人员", "photo": "照片", "roles": "角色权限",
         "departments": "部门", "devices": "设备", "revoke": "停用", "rotate": "更换令牌", "disable": "停用",
         "enable": "启用", "password-reset": "重置密码", "sessions": "登录会话", "queue": "排队", "businesses": "业务",
         "quota": "放号管控", "rules": "规则", "services": "办理业务", "appointments": "预约", "no-shows": "爽约",
         "statistics": "统计", "notice": "通知屏", "approval": "审批", "definitions": "流程定义",
         "registry": "登记库", "companies": "企业", "persons": "个人", "sync": "同步", "provision": "设备配置",
         "compact": "压缩", "cases": "办件", "worklists": "工作清单", "todo": "待办"}
SKIPPED = {"api", "v1", "admin"}


def operation(method: str, path: str) -> str:
    parts = [p for p in path.strip("/").split("/") if p not in SKIPPED and not p.startswith("{")]
    return METHODS.get(method, method) + " " + "·".join(WORDS.get(p, p) for p in parts)


class RoleMatrixPage(QWidget):
    sig_loaded = Signal()

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.status = StatusLine()
        self.roles_table = table([self.tr("角色"), self.tr("名称"), self.tr("类别"), self.tr("负责的审批步骤")])
        self.roles_table.setMaximumHeight(280)
        self.matrix = table([self.tr("操作")])
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.load)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("权限来自服务器各接口的角色检查（只读）。标“本厅”的操作只对本大厅的对象有效，标“中心管理员”的只限不属于任何大厅的管理员。")), 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.roles_table)
        layout.addWidget(self.matrix, 1)
        layout.addWidget(self.status)
        self.load()

    def load(self) -> None:
        self.context.call(lambda: self.context.api.get("/admin/roles"), on_done=self._show,
                          on_error=self.status.refused)

    def _show(self, matrix: dict) -> None:
        roles = matrix["roles"]
        fill(self.roles_table, [(r["role"], r["title"], self.tr("系统角色") if r["kind"] == "system"
                                 else self.tr("审批步骤角色"), "、".join(r["steps"]) or "—") for r in roles])
        names = [r["role"] for r in roles]
        self.matrix.setColumnCount(1 + len(names))
        self.matrix.setHorizontalHeaderLabels([self.tr("操作"), *[r["title"] for r in roles]])
        rows = []
        for p in matrix["permissions"]:
            mark = (self.tr("✓ 中心管理员") if p["centre_only"] else self.tr("✓ 本厅") if p["own_hall_only"]
                    else "✓")
            rows.append((operation(p["method"], p["path"]), *[mark if n in p["roles"] else "" for n in names]))
        fill(self.matrix, rows)
        for r, p in enumerate(matrix["permissions"]):  # the route itself, for whoever needs it
            self.matrix.item(r, 0).setToolTip(f"{p['method']} {p['path']}")
        self.matrix.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.status.done(self.tr("共{n}项受角色限制的操作").format(n=len(rows)))
        self.sig_loaded.emit()
