"""人员: a hall's staff. Create a member (username, name, 工号, department, usual window, system and step roles;
an initial password typed or made up by the server, shown once, to be changed at the first login), edit the
selected member, disable or enable, reset the password, and upload a photo for the evaluator."""

from __future__ import annotations

import base64
from pathlib import Path

from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import (HallPicker, StatusLine, fill, hall_page, selected_row,
                                                   set_choices, table)
from client.workspaces.admin.context import AdminContext
from gui.qt import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                    QLineEdit, QPushButton, QWidget, Signal)
from shared.db.models.staff import ROLES
from shared.password_policy import made_up_password

ROLE_TITLES = {"clerk": "窗口受理", "approver": "审批", "supervisor": "大厅主管", "admin": "系统管理", "leader": "领导",
               "reviewer": "审查人", "verifier": "审核人", "head": "决定人", "licence_officer": "制证"}
SYSTEM_ROLES = ("clerk", "approver", "supervisor", "admin", "leader")
PHOTO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class StaffPage(QWidget):
    sig_loaded = Signal()

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.staff: list[dict] = []
        self.windows: list[dict] = []
        self.status = StatusLine()
        self.hall = HallPicker(context, self.status.refused)
        self.hall.currentIndexChanged.connect(lambda _: self.load())
        self.people = table([self.tr("工号"), self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("窗口"),
                             self.tr("状态"), self.tr("照片")])
        self.people.itemSelectionChanged.connect(self._picked)

        self.username, self.display_name, self.staff_no = QLineEdit(), QLineEdit(), QLineEdit()
        self.password = QLineEdit()
        self.password.setPlaceholderText(self.tr("留空则由系统生成"))
        self.department, self.window = QComboBox(), QComboBox()
        self.roles = {role: QCheckBox(self.tr(ROLE_TITLES[role])) for role in ROLES}
        self.initial = QLabel()
        self.initial.setTextInteractionFlags(self.initial.textInteractionFlags().TextSelectableByMouse)
        self.initial.setWordWrap(True)
        form_box = QGroupBox(self.tr("人员信息"))
        form = QFormLayout(form_box)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.display_name)
        form.addRow(self.tr("工号"), self.staff_no)
        form.addRow(self.tr("部门"), self.department)
        form.addRow(self.tr("常用窗口"), self.window)
        for title, names in ((self.tr("系统角色"), SYSTEM_ROLES),
                             (self.tr("审批步骤角色"), [r for r in ROLES if r not in SYSTEM_ROLES])):
            grid = QGridLayout()
            for i, role in enumerate(names):
                grid.addWidget(self.roles[role], i // 2, i % 2)
            form.addRow(title, grid)
        form.addRow(self.tr("初始密码"), self.password)
        actions = QGridLayout()
        for i, (text, slot) in enumerate(((self.tr("新建人员"), self.create), (self.tr("保存修改"), self.save),
                                          (self.tr("停用/启用"), self.toggle_active),
                                          (self.tr("重置密码"), self.reset_password),
                                          (self.tr("上传照片…"), self.choose_photo))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            actions.addWidget(button, i // 3, i % 3)
        form.addRow(actions)
        form.addRow(self.initial)

        body = QHBoxLayout()
        body.addWidget(self.people, 3)
        body.addWidget(form_box, 2)
        hall_page(self, self.tr("大厅"), self.hall, body, self.status)
        self.hall.load()

    def load(self) -> None:
        self.hall.fetch(lambda hall: (f"/admin/halls/{hall['id']}/staff", f"/admin/halls/{hall['id']}/windows",
                                      "/departments"), self._show)

    def _show(self, loaded: tuple[list, list, list]) -> None:
        self.staff, self.windows, departments = loaded
        numbers = {w["id"]: self.tr("{n}号").format(n=w["number"]) for w in self.windows}
        fill(self.people, [(s["staff_no"], s["username"], s["display_name"],
                            "、".join(self.tr(ROLE_TITLES.get(r, r)) for r in s["roles"]),
                            numbers.get(s["window_id"], "—"), self.tr("在用") if s["active"] else self.tr("已停用"),
                            self.tr("有") if s["has_photo"] else "—") for s in self.staff])
        set_choices(self.department, [(d["name"], d["id"]) for d in departments], self.tr("（不指定）"),
                    keep=self.department.currentData())
        set_choices(self.window, [(f"{w['number']}号 {w['name']}", w["id"]) for w in self.windows],
                    self.tr("（不指定）"))
        self.sig_loaded.emit()

    def _picked(self) -> None:
        row = selected_row(self.people)
        if row < 0:
            return
        member = self.staff[row]
        self.username.setText(member["username"])
        self.display_name.setText(member["display_name"])
        self.staff_no.setText(member["staff_no"])
        self.department.setCurrentIndex(max(self.department.findData(member["department_id"]), 0))
        self.window.setCurrentIndex(max(self.window.findData(member["window_id"]), 0))
        for role, box in self.roles.items():
            box.setChecked(role in member["roles"])

    def _selected(self) -> dict | None:
        row = selected_row(self.people)
        if row < 0:
            self.status.refused(AdminError("no_selection", self.tr("请先在表中选择一名人员")))
            return None
        return self.staff[row]

    def _fields(self) -> dict:
        return {"display_name": self.display_name.text().strip(), "staff_no": self.staff_no.text().strip(),
                "department_id": self.department.currentData(), "window_id": self.window.currentData(),
                "roles": [r for r, box in self.roles.items() if box.isChecked()]}

    def _send(self, job, done) -> None:  # noqa: ANN001
        def finished(result: object) -> None:
            done(result)
            self.load()
        self.context.call(job, on_done=finished, on_error=self.status.refused)

    def create(self) -> None:
        hall_id = self.hall.hall_id()
        body = {"username": self.username.text().strip(), **self._fields()}
        if self.password.text():
            body["password"] = self.password.text()

        def done(made: dict) -> None:
            self.password.clear()
            self.initial.setText(self.tr("{name}的初始密码：{password}（请当面交给本人，首次登录须修改）").format(
                name=made["display_name"], password=made["initial_password"]))
            self.status.done(self.tr("已新建人员 {name}").format(name=made["display_name"]))
        self._send(lambda: self.context.api.post(f"/admin/halls/{hall_id}/staff", body), done)

    def save(self) -> None:
        member = self._selected()
        if member is None:
            return
        body = self._fields()
        self._send(lambda: self.context.api.patch(f"/admin/staff/{member['id']}", body),
                   lambda _: self.status.done(self.tr("{name}的信息已保存").format(name=body["display_name"])))

    def toggle_active(self) -> None:
        member = self._selected()
        if member is None:
            return
        action = "disable" if member["active"] else "enable"
        text = self.tr("已停用 {name}") if member["active"] else self.tr("已启用 {name}")
        self._send(lambda: self.context.api.post(f"/admin/staff/{member['id']}/{action}"),
                   lambda _: self.status.done(text.format(name=member["display_name"])))

    def reset_password(self) -> None:
        member = self._selected()
        if member is None:
            return
        password = self.password.text() or made_up_password(12)

        def done(_: object) -> None:
            self.password.clear()
            self.initial.setText(self.tr("{name}的新密码：{password}（首次登录须修改）").format(
                name=member["display_name"], password=password))
            self.status.done(self.tr("已重置{name}的密码").format(name=member["display_name"]))
        self._send(lambda: self.context.api.post(f"/admin/staff/{member['id']}/password-reset",
                                                 {"new_password": password}), done)

    def choose_photo(self) -> None:
        member = self._selected()
        if member is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择照片"), "", self.tr("图片 (*.png *.jpg *.jpeg)"))
        if path:
            self.upload_photo(member, Path(path))

    def upload_photo(self, member: dict, path: Path) -> None:
        kind = PHOTO_TYPES.get(path.suffix.lower())
        if kind is None:
            self.status.refused(AdminError("invalid_photo"))
            return

        def send() -> None:
            data = base64.b64encode(path.read_bytes()).decode("ascii")  # off the GUI thread: a disk read
            self.context.api.put(f"/admin/staff/{member['id']}/photo", {"content_type": kind, "data": data})
        self._send(send, lambda _: self.status.done(self.tr("已上传{name}的照片").format(
            name=member["display_name"])))
