"""组织机构: the admin's halls, floors and windows. Pick a hall, edit its name and address, add floors, add or
edit windows (number unique in the hall, name, floor, LED card address, open/closed); an admin of no hall also
creates halls. Every action goes to the server at once; refusals show in the status line in Chinese."""

from __future__ import annotations

from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import (HallPicker, StatusLine, fill, hall_page, selected_row,
                                                   set_choices, table)
from client.workspaces.admin.context import AdminContext
from gui.qt import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                    QPushButton, QSpinBox, QVBoxLayout, QWidget, Signal)


class OrganisationPage(QWidget):
    sig_loaded = Signal()  # the hall's floors and windows are shown
    sig_centres = Signal()  # the centres are listed

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.floors: list[dict] = []
        self.windows: list[dict] = []
        self.status = StatusLine()
        self.hall = HallPicker(context, self.status.refused)
        self.hall.currentIndexChanged.connect(lambda _: self.load_hall())

        self.centre = QComboBox()
        self.hall_code, self.hall_name, self.hall_address = QLineEdit(), QLineEdit(), QLineEdit()
        self.hall_code.setPlaceholderText(self.tr("如 DG-HALL-2"))
        self.hall_public_url = QLineEdit()
        self.hall_public_url.setObjectName("hall_public_url")
        self.hall_public_url.setPlaceholderText(self.tr("如 https://zwfw.example.gov.cn（留空：使用服务器内网地址）"))
        self.hall_public_url.setToolTip(self.tr("群众手机访问本大厅服务器的公网地址：号票上“我的排队”二维码和新开通的取号机使用该地址"))
        save_hall = QPushButton(self.tr("保存大厅信息"))
        save_hall.clicked.connect(self.save_hall)
        new_hall = QPushButton(self.tr("新建大厅"))
        new_hall.clicked.connect(self.create_hall)
        self.centre_code, self.centre_name = QLineEdit(), QLineEdit()
        self.centre_code.setPlaceholderText(self.tr("中心编码"))
        self.centre_name.setPlaceholderText(self.tr("中心名称，如 某市政务服务中心"))
        new_centre = QPushButton(self.tr("新建中心"))
        new_centre.clicked.connect(self.create_centre)
        centre_row = QHBoxLayout()
        centre_row.addWidget(self.centre_code, 1)
        centre_row.addWidget(self.centre_name, 2)
        centre_row.addWidget(new_centre)
        hall_box = QGroupBox(self.tr("大厅"))
        form = QFormLayout(hall_box)
        form.addRow(self.tr("所属中心"), self.centre)
        form.addRow("", centre_row)
        form.addRow(self.tr("大厅编码"), self.hall_code)
        form.addRow(self.tr("大厅名称"), self.hall_name)
        form.addRow(self.tr("地址"), self.hall_address)
        form.addRow(self.tr("公网地址"), self.hall_public_url)
        buttons = QHBoxLayout()
        buttons.addWidget(save_hall)
        buttons.addWidget(new_hall)
        buttons.addStretch(1)
        form.addRow(buttons)

        self.floor_table = table([self.tr("楼层"), self.tr("名称")])
        self.floor_level = QSpinBox()
        self.floor_level.setRange(-9, 199)
        self.floor_level.setValue(1)
        self.floor_name = QLineEdit()
        self.floor_name.setPlaceholderText(self.tr("如 一楼"))
        add_floor = QPushButton(self.tr("添加楼层"))
        add_floor.clicked.connect(self.create_floor)
        save_floor = QPushButton(self.tr("保存所选楼层"))
        save_floor.clicked.connect(self.save_floor)
        self.floor_table.itemSelectionChanged.connect(self._floor_picked)
        floor_box = QGroupBox(self.tr("楼层"))
        floor_layout = QVBoxLayout(floor_box)
        floor_layout.addWidget(self.floor_table)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("楼层")))
        row.addWidget(self.floor_level)
        row.addWidget(self.floor_name, 1)
        row.addWidget(add_floor)
        row.addWidget(save_floor)
        floor_layout.addLayout(row)

        self.window_table = table([self.tr("窗口号"), self.tr("名称"), self.tr("楼层"), self.tr("LED屏地址"),
                                   self.tr("状态")])
        self.window_table.itemSelectionChanged.connect(self._window_picked)
        self.window_number = QSpinBox()
        self.window_number.setRange(1, 9999)
        self.window_name = QLineEdit()
        self.window_name.setPlaceholderText(self.tr("如 综合受理窗口"))
        self.window_floor = QComboBox()
        # room for "（不指定）" and the arrow: the hall theme's padding is not in the combo's own size hint
        self.window_floor.setMinimumWidth(self.window_floor.fontMetrics().horizontalAdvance("（不指定）") + 48)
        self.window_led = QLineEdit()
        self.window_led.setPlaceholderText(self.tr("如 3"))
        self.window_open = QCheckBox(self.tr("开放"))
        self.window_open.setChecked(True)
        add_window = QPushButton(self.tr("添加窗口"))
        add_window.clicked.connect(self.create_window)
        save_window = QPushButton(self.tr("保存所选窗口"))
        save_window.clicked.connect(self.save_window)
        window_box = QGroupBox(self.tr("窗口"))
        window_layout = QVBoxLayout(window_box)
        window_layout.addWidget(self.window_table)
        grid = QGridLayout()
        for col, (label, widget) in enumerate(((self.tr("窗口号"), self.window_number),
                                               (self.tr("名称"), self.window_name),
                                               (self.tr("楼层"), self.window_floor),
                                               (self.tr("LED屏地址"), self.window_led))):
            grid.addWidget(QLabel(label), 0, col)
            grid.addWidget(widget, 1, col)
        grid.addWidget(self.window_open, 1, 4)
        grid.addWidget(add_window, 1, 5)
        grid.addWidget(save_window, 1, 6)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        window_layout.addLayout(grid)

        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(lambda: self.hall.load())
        left = QVBoxLayout()
        left.addWidget(hall_box)
        left.addWidget(floor_box, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(window_box, 3)
        hall_page(self, self.tr("大厅"), self.hall, body, self.status, refresh)
        self._load_centres()
        self.hall.load()

    # loading ----------------------------------------------------------------------------------------------

    def _load_centres(self, select_code: str | None = None) -> None:
        # the last centre made stays selected, whichever of two overlapping loads answers last
        self._centre_wanted = select_code or getattr(self, "_centre_wanted", None)

        def shown(centres: list[dict]) -> None:
            select_code = self._centre_wanted
            self.centre.clear()
            for centre in centres:
                self.centre.addItem(f"{centre['code']} — {centre['name']}", centre["id"])
            codes = [c["code"] for c in centres]
            if select_code in codes:
                self.centre.setCurrentIndex(codes.index(select_code))
            self.sig_centres.emit()
        self.context.call(lambda: self.context.api.get("/admin/centres"), on_done=shown,
                          on_error=self.status.refused)

    def load_hall(self) -> None:
        hall = self.hall.current()
        if hall is None:
            return
        self.hall_code.setText(hall["code"])
        self.hall_name.setText(hall["name"])
        self.hall_address.setText(hall.get("address", ""))
        self.hall_public_url.setText(hall.get("public_url", ""))
        self.hall.fetch(lambda h: (f"/admin/halls/{h['id']}/floors", f"/admin/halls/{h['id']}/windows"), self._show)

    def _show(self, loaded: tuple[list[dict], list[dict]]) -> None:
        self.floors, self.windows = loaded
        fill(self.floor_table, [(str(f["level"]), f["name"]) for f in self.floors])
        names = {f["id"]: f["name"] for f in self.floors}
        fill(self.window_table, [(str(w["number"]), w["name"], names.get(w["floor_id"], "—"), w["led_address"] or "—",
                                  self.tr("开放") if w["active"] else self.tr("关闭")) for w in self.windows])
        set_choices(self.window_floor, [(f["name"], f["id"]) for f in self.floors], self.tr("（不指定）"))
        self.window_number.setValue(max((w["number"] for w in self.windows), default=0) + 1)
        self.sig_loaded.emit()

    def _floor_picked(self) -> None:
        row = selected_row(self.floor_table)
        if row >= 0:
            self.floor_level.setValue(self.floors[row]["level"])
            self.floor_name.setText(self.floors[row]["name"])

    def _window_picked(self) -> None:
        row = selected_row(self.window_table)
        if row < 0:
            return
        window = self.windows[row]
        self.window_number.setValue(window["number"])
        self.window_name.setText(window["name"])
        self.window_floor.setCurrentIndex(max(self.window_floor.findData(window["floor_id"]), 0))
        self.window_led.setText(window["led_address"] or "")
        self.window_open.setChecked(window["active"])

    # actions ----------------------------------------------------------------------------------------------

    def _send(self, job, done_text: str, reload_halls: str | None = None) -> None:  # noqa: ANN001
        def done(_: object) -> None:
            self.status.done(done_text)
            if reload_halls is not None:
                self.hall.load(reload_halls)
            else:
                self.load_hall()
        self.context.call(job, on_done=done, on_error=self.status.refused)

    def create_centre(self) -> None:
        """A new 政务服务中心 (an admin of no hall only): on a fresh server, the first thing to make."""
        body = {"code": self.centre_code.text().strip(), "name": self.centre_name.text().strip()}

        def done(_: object) -> None:
            self.status.done(self.tr("已新建中心 {name}").format(name=body["name"]))
            self._load_centres(body["code"])
        self.context.call(lambda: self.context.api.post("/admin/centres", body), on_done=done,
                          on_error=self.status.refused)

    def create_hall(self) -> None:
        body = {"centre_id": self.centre.currentData(), "code": self.hall_code.text().strip(),
                "name": self.hall_name.text().strip(), "address": self.hall_address.text().strip(),
                "public_url": self.hall_public_url.text().strip()}
        self._send(lambda: self.context.api.post("/admin/halls", body),
                   self.tr("已新建大厅 {code}").format(code=body["code"]), reload_halls=body["code"])

    def save_hall(self) -> None:
        hall_id = self.hall.hall_id()
        body = {"code": self.hall_code.text().strip(), "name": self.hall_name.text().strip(),
                "address": self.hall_address.text().strip(), "public_url": self.hall_public_url.text().strip()}
        self._send(lambda: self.context.api.patch(f"/admin/halls/{hall_id}", body), self.tr("大厅信息已保存"),
                   reload_halls=body["code"])

    def create_floor(self) -> None:
        hall_id = self.hall.hall_id()
        body = {"level": self.floor_level.value(), "name": self.floor_name.text().strip()}
        self._send(lambda: self.context.api.post(f"/admin/halls/{hall_id}/floors", body),
                   self.tr("已添加楼层 {name}").format(name=body["name"]))

    def save_floor(self) -> None:
        row = selected_row(self.floor_table)
        if row < 0:
            self.status.refused(AdminError("no_selection", self.tr("请先在表中选择一个楼层")))
            return
        floor_id = self.floors[row]["id"]
        body = {"level": self.floor_level.value(), "name": self.floor_name.text().strip()}
        self._send(lambda: self.context.api.patch(f"/admin/floors/{floor_id}", body),
                   self.tr("楼层 {name} 已保存").format(name=body["name"]))

    def _window_body(self) -> dict:
        return {"number": self.window_number.value(), "name": self.window_name.text().strip(),
                "floor_id": self.window_floor.currentData(), "led_address": self.window_led.text().strip() or None,
                "active": self.window_open.isChecked()}

    def create_window(self) -> None:
        hall_id, body = self.hall.hall_id(), self._window_body()
        self._send(lambda: self.context.api.post(f"/admin/halls/{hall_id}/windows", body),
                   self.tr("已添加{number}号窗口").format(number=body["number"]))

    def save_window(self) -> None:
        row = selected_row(self.window_table)
        if row < 0:
            self.status.refused(AdminError("no_selection", self.tr("请先在表中选择一个窗口")))
            return
        window_id, body = self.windows[row]["id"], self._window_body()
        self._send(lambda: self.context.api.patch(f"/admin/windows/{window_id}", body),
                   self.tr("{number}号窗口已保存").format(number=body["number"]))
