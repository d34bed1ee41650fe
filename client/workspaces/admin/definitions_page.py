"""审批流程: a workflow definition as a form — limits, the steps (name, role picked from the server's real roles,
limit, clock, parallel group and join rule), each step's actions and return targets — checked on every edit by the engine's own validator
(shared.approval.definition.validate_definition, the one the server and every client decide with), published
as a new version (running cases keep theirs), with the cases each version has (the server's usage counts)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import list_form_page
from client.workspaces.admin.context import AdminContext, describe
from gui.qt import (QAbstractItemView, QCheckBox, QComboBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
                    QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSpinBox,
                    QTableWidget, QTableWidgetItem, Qt, QVBoxLayout, QWidget, Signal)
from shared.approval.definition import StepAction, validate_definition
from shared.approval.definition_rows import definition_from_dict
from shared.approval.errors import InvalidDefinition
from shared.china_time import CHINA_TZ

ACTIONS = {  # what each step may do, in the order an administrator reads them
    "pre_accept": "预受理", "accept": "受理", "reject_application": "不予受理", "request_correction": "补正告知",
    "pass": "通过", "return": "退回", "special_procedure": "特别程序", "extend": "延长期限",
    "grant": "准予许可", "refuse": "不予许可", "make_licence": "制证", "issue_licence": "发证",
    "close": "办结", "deliver": "送达",
}
PROBLEMS = {
    "bad_version": "版本号有误", "bad_limits": "时限有误：承诺时限须在1天到法定时限之间（联合办理不超过45个工作日）",
    "duplicate_material": "材料重复", "no_steps": "至少需要一个环节", "duplicate_step_name": "环节标识重复",
    "bad_step": "环节须有标识（英文字母、数字、下划线）、名称和角色", "bad_step_limit": "环节时限至少1个工作日",
    "intake_not_first": "第一个环节必须是受理环节（且只有它可受理）",
    "no_decision_step": "须有且只有一个决定环节（可准予、可不予许可），且在受理之后",
    "intake_action_outside_intake": "只有受理环节可以受理或不予受理",
    "review_action_outside_review": "通过、退回、特别程序、延长期限只能用于审查环节",
    "bad_decision_step": "决定环节只能准予或不予许可，不能“通过”", "review_step_must_pass": "审查环节必须可以“通过”",
    "bad_clock_effect": "只有决定前的审查环节可以停止计时",
    "bad_steps_after_decision": "决定之后依次应为：制证（发证事项）、办结、送达",
    "bad_return": "允许退回的环节须选择退回目标（且只有它可以）", "return_target_missing": "退回目标不存在",
    "return_target_not_earlier": "只能退回到之前的审查环节", "return_target_in_same_group": "不能退回到同一并行组的环节",
    "bad_parallel_group": "并行组有误：至少两个相邻的审查环节、同一汇合规则", "malformed_definition": "定义格式有误",
}
CLOCKS = (("counts", "计时"), ("stops", "停止计时"))
JOINS = ((None, "—"), ("all", "全部通过"), ("any", "任一通过"))
COLUMNS = ("标识", "名称", "角色", "时限", "计时", "并行组", "汇合")  # 时限: working days (the form says so)
NOT_STEP_ROLES = {"supervisor", "admin"}  # they oversee and configure; no step is theirs to act on


class DefinitionsPage(QWidget):
    sig_loaded = Signal(object)     # the list of (item, situation) keys, or an AdminError
    sig_opened = Signal(object)     # the definition opened (its body), or an AdminError
    sig_validated = Signal(object)  # the problems after an edit (list of dicts; [] when valid)
    sig_changed = Signal(object)    # the published version (dict), or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.names = _names(context.services.catalogue)
        self.body: dict[str, Any] | None = None
        self.original: dict[str, Any] | None = None
        self.problems: list[dict] = []
        self.roles: list[tuple[str, str]] = []  # (role, title) a step may name: the server's roles (/admin/roles)
        self._filling = False
        scroll = QScrollArea()  # the form never forces the window taller than a 1366×768 screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._editor())
        parts = list_form_page(self, self.tr("搜索事项或情形"), scroll, lambda key: self.open(*key),
                               min_width=260, width=320, search_tooltips=True)
        self.search, self.keys, self.message = parts.search, parts.entries, parts.message
        self.refresh()

    # -- layout -------------------------------------------------------------------------------------------
    def _editor(self) -> QWidget:
        self.title = QLabel(self.tr("请选择左侧的事项情形"))
        self.title.setObjectName("pageTitle")
        self.title.setStyleSheet("font-weight: bold; font-size: 15px;")
        self.statutory, self.promised = QSpinBox(), QSpinBox()
        for box in (self.statutory, self.promised):
            box.setRange(0, 400)
            box.setSuffix(self.tr(" 个工作日"))
            box.valueChanged.connect(self._edited)
        self.licence = QCheckBox(self.tr("发放证照（决定后制证、发证）"))
        self.joint = QCheckBox(self.tr("联合办理（法定时限最长45个工作日）"))
        self.correction = QCheckBox(self.tr("受理后补正不计入时限"))
        for box in (self.licence, self.joint, self.correction):
            box.toggled.connect(self._edited)
        limits = QGridLayout()
        limits.addWidget(QLabel(self.tr("法定时限")), 0, 0)
        limits.addWidget(self.statutory, 0, 1)
        limits.addWidget(QLabel(self.tr("承诺时限")), 0, 2)
        limits.addWidget(self.promised, 0, 3)
        limits.addWidget(self.licence, 1, 0, 1, 2)
        limits.addWidget(self.joint, 1, 2)
        limits.addWidget(self.correction, 1, 3)

        self.steps = QTableWidget(0, len(COLUMNS))
        self.steps.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.steps.verticalHeader().hide()
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.steps.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)  # role titles
        self.steps.horizontalHeaderItem(3).setToolTip(self.tr("环节时限，单位：工作日"))
        self.steps.itemChanged.connect(self._cell_edited)
        self.steps.itemSelectionChanged.connect(self._show_step)
        step_buttons = QHBoxLayout()
        for label, slot in (("添加审查环节", self.add_step), ("删除环节", self.remove_step),
                            ("上移", lambda: self.move_step(-1)), ("下移", lambda: self.move_step(1))):
            button = QPushButton(self.tr(label))
            button.clicked.connect(slot)
            step_buttons.addWidget(button)
        step_buttons.addStretch(1)

        self.step_box = QGroupBox(self.tr("所选环节的操作"))
        grid = QGridLayout(self.step_box)
        self.action_boxes: dict[str, QCheckBox] = {}
        for i, (action, label) in enumerate(ACTIONS.items()):
            box = QCheckBox(self.tr(label))
            box.toggled.connect(lambda on, a=action: self._action_toggled(a, on))
            self.action_boxes[action] = box
            grid.addWidget(box, i % 5, i // 5)
        self.returns_label = QLabel(self.tr("可退回至："))
        grid.addWidget(self.returns_label, 5, 0, 1, 3)
        returns = QWidget()
        self.returns_row = QGridLayout(returns)  # the earlier steps, three a row
        self.returns_row.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(returns, 6, 0, 1, 3)
        grid.setRowStretch(7, 1)
        self.return_boxes: dict[str, QCheckBox] = {}

        self.problem_list = QListWidget()
        self.problem_list.setMaximumHeight(100)
        self.versions = QTableWidget(0, 5)
        self.versions.setHorizontalHeaderLabels([self.tr("版本"), self.tr("发布人"), self.tr("发布时间"),
                                                 self.tr("办件数"), self.tr("在办数")])
        self.versions.verticalHeader().hide()
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.versions.horizontalHeader().setStretchLastSection(True)
        self.versions.setMaximumHeight(100)
        self.publish = QPushButton(self.tr("发布为新版本"))
        self.publish.setEnabled(False)
        self.publish.clicked.connect(self.publish_version)
        self.revert = QPushButton(self.tr("放弃修改"))
        self.revert.clicked.connect(lambda: self.original and self._fill(copy.deepcopy(self.original)))
        bottom = QHBoxLayout()
        self.validity = QLabel()
        bottom.addWidget(self.validity, 1)
        bottom.addWidget(self.revert)
        bottom.addWidget(self.publish)

        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addLayout(limits)
        middle = QHBoxLayout()
        table = QVBoxLayout()
        table.addWidget(self.steps, 1)
        table.addLayout(step_buttons)
        middle.addLayout(table, 1)
        middle.addWidget(self.step_box)
        column.addLayout(middle, 1)
        checks = QHBoxLayout()
        for label, widget in (("校验结果", self.problem_list), ("各版本办件", self.versions)):
            box = QGroupBox(self.tr(label))
            QVBoxLayout(box).addWidget(widget)
            checks.addWidget(box, 1)
        column.addLayout(checks)
        column.addLayout(bottom)
        return editor

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        api = self.context.api
        self.context.call(lambda: (api.get("/approval/definitions"), api.get("/admin/roles")["roles"]),
                          on_done=self._listed, on_error=lambda e: self._failed(e, self.sig_loaded))

    def _listed(self, loaded: tuple[list[dict], list[dict]]) -> None:
        rows, roles = loaded
        self.roles = [(r["role"], r["title"]) for r in roles if r["role"] not in NOT_STEP_ROLES]
        latest: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (row["item_code"], row["situation_code"])
            latest[key] = max(latest.get(key, 0), row["version"])
        self.keys.clear()
        for (item, situation), version in sorted(latest.items()):
            entry = QListWidgetItem()
            entry.setData(Qt.ItemDataRole.UserRole, (item, situation))
            entry.setToolTip(f"{item} / {situation}")
            self.keys.addItem(entry)
            self._relabel(item, situation, version)
        self.sig_loaded.emit(sorted(latest))

    def _relabel(self, item: str, situation: str, version: int) -> None:
        item_name, situation_name = self.names.get((item, situation), (item, situation))
        for i in range(self.keys.count()):
            if self.keys.item(i).data(Qt.ItemDataRole.UserRole) == (item, situation):
                self.keys.item(i).setText(f"{item_name} · {situation_name}（v{version}）")

    def select(self, item: str, situation: str) -> None:
        for i in range(self.keys.count()):
            if self.keys.item(i).data(Qt.ItemDataRole.UserRole) == (item, situation):
                self.keys.setCurrentRow(i)
                return
        self.open(item, situation)

    def open(self, item: str, situation: str) -> None:
        api = self.context.api

        def load() -> tuple[dict, list[dict]]:
            return (api.get(f"/approval/definitions/{item}/{situation}")["body"],
                    api.get(f"/approval/definitions/{item}/{situation}/usage"))
        self.context.call(load, on_done=self._opened, on_error=lambda e: self._failed(e, self.sig_opened))

    def _opened(self, loaded: tuple[dict, list[dict]]) -> None:
        body, usage = loaded
        self.original = copy.deepcopy(body)
        item_name, situation_name = self.names.get((body["item_code"], body["situation_code"]),
                                                   (body["item_code"], body["situation_code"]))
        self.title.setText(self.tr("{0} · {1}（当前第 {2} 版）").format(item_name, situation_name, body["version"]))
        self._fill(body)
        self._usage(usage)
        self.sig_opened.emit(copy.deepcopy(body))

    def _usage(self, usage: list[dict]) -> None:
        self.versions.setRowCount(len(usage))
        for row, u in enumerate(reversed(usage)):
            values = (f"v{u['version']}", u["created_by"], _local(u["created_at"]),
                      str(u["cases"]), str(u["open_cases"]))
            for col, value in enumerate(values):
                self.versions.setItem(row, col, QTableWidgetItem(value))

    def _fill(self, body: dict) -> None:
        self._filling = True
        self.body = body
        self.statutory.setValue(body["statutory_limit_days"])
        self.promised.setValue(body["promised_limit_days"])
        self.licence.setChecked(body.get("issues_licence", True))
        self.joint.setChecked(body.get("joint_handling", False))
        self.correction.setChecked(body.get("correction_stops_clock", False))
        self._fill_steps()
        self._filling = False
        self._validate()

    def _fill_steps(self, select: int = 0) -> None:
        filling, self._filling = self._filling, True
        steps = self.body["steps"]
        self.steps.setRowCount(len(steps))
        for row, step in enumerate(steps):
            for col, key in ((0, "name"), (1, "display_name"), (3, "limit_days")):
                self.steps.setItem(row, col, QTableWidgetItem(str(step[key])))
            self.steps.setCellWidget(row, 2, self._role_picker(row, step["role"]))
            clock = QComboBox()
            for value, label in CLOCKS:
                clock.addItem(self.tr(label), value)
            clock.setCurrentIndex([v for v, _ in CLOCKS].index(step.get("clock_effect", "counts")))
            clock.currentIndexChanged.connect(lambda _, r=row, c=clock: self._set(r, "clock_effect", c.currentData()))
            self.steps.setCellWidget(row, 4, clock)
            self.steps.setItem(row, 5, QTableWidgetItem(step.get("parallel_group") or ""))
            join = QComboBox()
            for value, label in JOINS:
                join.addItem(self.tr(label), value)
            join.setCurrentIndex([v for v, _ in JOINS].index(step.get("join")))
            join.currentIndexChanged.connect(lambda _, r=row, c=join: self._set(r, "join", c.currentData()))
            self.steps.setCellWidget(row, 6, join)
        self._filling = filling
        if steps:
            self.steps.selectRow(min(select, len(steps) - 1))
        self._show_step()

    def _role_picker(self, row: int, role: str) -> QComboBox:
        """The roles staff can hold, by title; a role no account can hold (an older free-text definition) is
        still shown, marked, so publishing keeps it only if the admin leaves it."""
        picker = QComboBox()
        for value, title in self.roles:
            picker.addItem(title, value)
            picker.setItemData(picker.count() - 1, value, Qt.ItemDataRole.ToolTipRole)  # the code, for the curious
        if picker.findData(role) < 0:
            picker.addItem(self.tr("{role}（不是现有角色）").format(role=role), role)
        picker.setCurrentIndex(picker.findData(role))
        picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        picker.currentIndexChanged.connect(lambda _: self._set(row, "role", picker.currentData()))
        return picker

    # -- edits --------------------------------------------------------------------------------------------
    def _edited(self) -> None:
        if self._filling or self.body is None:
            return
        self.body["statutory_limit_days"] = self.statutory.value()
        self.body["promised_limit_days"] = self.promised.value()
        self.body["issues_licence"] = self.licence.isChecked()
        self.body["joint_handling"] = self.joint.isChecked()
        self.body["correction_stops_clock"] = self.correction.isChecked()
        self._validate()

    def _cell_edited(self, cell: QTableWidgetItem) -> None:
        if self._filling or self.body is None:
            return
        key = ("name", "display_name", None, "limit_days", None, "parallel_group", None)[cell.column()]
        if key is None:  # role, clock and join are pickers: they set the step themselves
            return
        value: Any = cell.text().strip()
        if key == "limit_days":
            value = int(value) if value.isdigit() else 0  # 0 is refused by the validator with its reason
        if key == "parallel_group":
            value = value or None
        if key == "name":
            old = self.body["steps"][cell.row()]["name"]
            for step in self.body["steps"]:  # a renamed step stays the target of the returns that named it
                step["return_to"] = [value if t == old else t for t in step.get("return_to", [])]
        self._set(cell.row(), key, value)
        if key == "name":
            self._show_step()

    def _set(self, row: int, key: str, value: Any) -> None:
        if self._filling or self.body is None:
            return
        self.body["steps"][row][key] = value
        self._validate()

    def _selected(self) -> int | None:
        rows = {i.row() for i in self.steps.selectedIndexes()}
        return rows.pop() if len(rows) == 1 else None

    def _show_step(self) -> None:
        row = self._selected()
        filling, self._filling = self._filling, True
        step = self.body["steps"][row] if self.body is not None and row is not None else None
        self.step_box.setEnabled(step is not None)
        for action, box in self.action_boxes.items():
            box.setChecked(step is not None and action in step["actions"])
        for box in self.return_boxes.values():
            self.returns_row.removeWidget(box)
            box.deleteLater()
        self.return_boxes = {}
        if step is not None:
            for earlier in self.body["steps"][1:row]:
                box = QCheckBox(earlier["display_name"] or earlier["name"])
                box.setChecked(earlier["name"] in step.get("return_to", []))
                box.toggled.connect(lambda on, n=earlier["name"]: self._return_toggled(n, on))
                count = len(self.return_boxes)
                self.return_boxes[earlier["name"]] = box
                self.returns_row.addWidget(box, count // 3, count % 3)
        self._filling = filling

    def _action_toggled(self, action: str, on: bool) -> None:
        row = self._selected()
        if self._filling or self.body is None or row is None:
            return
        actions = set(self.body["steps"][row]["actions"])
        actions = actions | {action} if on else actions - {action}
        self._set(row, "actions", sorted(actions))

    def _return_toggled(self, name: str, on: bool) -> None:
        row = self._selected()
        if self._filling or self.body is None or row is None:
            return
        targets = [t for t in self.body["steps"][row].get("return_to", []) if t != name]
        self._set(row, "return_to", targets + [name] if on else targets)

    def add_step(self) -> None:
        """A review step just before the decision (where review steps go); the admin names it."""
        if self.body is None:
            return
        steps = self.body["steps"]
        decision = next((i for i, s in enumerate(steps) if StepAction.GRANT.value in s["actions"]), len(steps))
        taken = {s["name"] for s in steps}
        name = next(f"review_{n}" for n in range(2, 100) if f"review_{n}" not in taken)
        steps.insert(decision, {"name": name, "display_name": self.tr("新审查环节"), "role": "approver",
                                "limit_days": 1, "actions": ["pass"], "clock_effect": "counts",
                                "parallel_group": None, "join": None, "return_to": []})
        self._fill_steps(decision)
        self._validate()

    def remove_step(self) -> None:
        row = self._selected()
        if self.body is None or row is None:
            return
        gone = self.body["steps"].pop(row)["name"]
        for step in self.body["steps"]:
            step["return_to"] = [t for t in step.get("return_to", []) if t != gone]
        self._fill_steps(row)
        self._validate()

    def move_step(self, by: int) -> None:
        row = self._selected()
        steps = self.body["steps"] if self.body is not None else []
        if row is None or not 0 <= row + by < len(steps):
            return
        steps[row], steps[row + by] = steps[row + by], steps[row]
        self._fill_steps(row + by)
        self._validate()

    # -- validation and publishing ------------------------------------------------------------------------
    def _validate(self) -> None:
        if self.body is None:
            return
        try:
            validate_definition(definition_from_dict(self.body))
            problems: list[dict] = []
        except InvalidDefinition as exc:
            problems = exc.details["problems"]
        self.problems = problems
        self.problem_list.clear()
        for p in problems:
            where = self.tr("环节 {0}：").format(p["step"]) if p.get("step") else ""
            self.problem_list.addItem(where + self.tr(PROBLEMS.get(p["code"], p["code"])))
        changed = self.body != self.original
        if problems:
            self.validity.setText(self.tr("有 {0} 处不合规，修改后才能发布").format(len(problems)))
            self.validity.setStyleSheet("color: #c62828; font-weight: bold;")
        else:
            self.validity.setText(self.tr("校验通过") + (self.tr("，可发布为新版本") if changed else ""))
            self.validity.setStyleSheet("color: #2e7d32;")
        self.publish.setEnabled(not problems and changed)
        self.sig_validated.emit(problems)

    def publish_version(self) -> None:
        if self.body is None or self.problems:
            return
        body = copy.deepcopy(self.body)
        item, situation = body["item_code"], body["situation_code"]
        api = self.context.api

        def run() -> tuple[dict, list[dict]]:
            published = api.post(f"/approval/definitions/{item}/{situation}", {"body": body})
            return published, api.get(f"/approval/definitions/{item}/{situation}/usage")

        def done(result: tuple[dict, list[dict]]) -> None:
            published, usage = result
            self.message.done(self.tr("已发布第 {0} 版：新收件按新版本办理，已收件的办件仍按原版本").format(
                published["version"]))
            self._opened((published["body"], usage))
            self._relabel(item, situation, published["version"])
            self.sig_changed.emit(published)
        self.context.call(run, on_done=done, on_error=lambda e: self._failed(e, self.sig_changed))

    def _failed(self, error: AdminError, signal) -> None:  # noqa: ANN001
        text = describe(error)
        problems = (error.details.get("details") or {}).get("problems")  # the server's list, when it gave one
        if problems:
            text += "：" + "；".join(self.tr(PROBLEMS.get(p["code"], p["code"])) for p in problems)
        self.message.failed(text)
        signal.emit(error)


def _local(moment: str) -> str:
    """A server time (UTC, ISO) as the hall reads it."""
    at = dt.datetime.fromisoformat(moment)
    at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _names(catalogue) -> dict[tuple[str, str], tuple[str, str]]:  # noqa: ANN001
    """(item, situation) → their names, from the workstation's synced catalogue."""
    names = {}
    for choice in catalogue.choices:
        for situation in choice.situations:
            names.setdefault((choice.item_code, situation.code), (choice.item_name, situation.name))
    return names
