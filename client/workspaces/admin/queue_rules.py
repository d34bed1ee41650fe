"""排队规则: a hall's businesses (letter, name, department, floor), their quotas (day/AM/PM, hours, lunch, pause),
which windows serve which business at what level, the hall's lunch rule and AM/PM split — and a preview: what a
dispenser would answer for a ticket taken at a given time under the rules as drafted on this page, computed by
the dispenser's own checks (shared/queue/preview.py) before anything is saved."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from client.i18n.errors import error_text
from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import (HallPicker, StatusLine, fill, hall_page, selected_row,
                                                   set_choices, table)
from client.workspaces.admin.context import AdminContext
from gui.qt import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                    QLineEdit, QPushButton, QSpinBox, QTableWidget, QVBoxLayout, QWidget, Signal)
from shared.china_time import CHINA_TZ
from shared.queue import config as domain
from shared.queue.errors import InvalidConfiguration
from shared.queue.hall_rules import quota_of, rules_from_json
from shared.queue.issuance import IssuedCounts
from shared.queue.messages import message_for
from shared.queue.preview import preview
from shared.queue.tickets import GreenChannelReason

UNLIMITED = -1
GREEN_ORDER = tuple(r.value for r in GreenChannelReason)


def _limit_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(UNLIMITED, 9999)
    box.setSpecialValueText("不限")
    box.setValue(UNLIMITED)
    return box


def _time(text: str) -> dt.time | None:
    text = text.strip()
    return dt.time.fromisoformat(text) if text else None


class QueueRulesPage(QWidget):
    sig_loaded = Signal()

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.config: dict = {"businesses": [], "windows": [], "rules": {}}
        self.status = StatusLine()
        self.hall = HallPicker(context, self.status.refused)
        self.hall.currentIndexChanged.connect(lambda _: self.load())

        self.businesses = table([self.tr("字母"), self.tr("业务名称"), self.tr("全天"), self.tr("上午"),
                                 self.tr("下午"), self.tr("取号时间"), self.tr("优先类别"), self.tr("状态")])
        self.businesses.itemSelectionChanged.connect(self._picked)
        self.code, self.prefix, self.name = QLineEdit(), QLineEdit(), QLineEdit()
        self.prefix.setMaxLength(2)
        self.prefix.setPlaceholderText("A")
        self.department, self.floor = QComboBox(), QComboBox()
        self.active = QCheckBox(self.tr("办理中"))
        self.active.setChecked(True)
        business_box = QGroupBox(self.tr("业务"))
        bform = QFormLayout(business_box)
        bform.addRow(self.tr("取号字母"), self.prefix)
        bform.addRow(self.tr("业务名称"), self.name)
        bform.addRow(self.tr("业务编码"), self.code)
        bform.addRow(self.tr("部门"), self.department)
        bform.addRow(self.tr("楼层"), self.floor)
        bform.addRow("", self.active)
        # 优先类别: which green-channel reasons the dispenser offers for this business (shared rule:
        # shared.queue.issuance.priority_of); saved into the hall's rules document
        self.green_labels = {"elderly": self.tr("老年人"), "disabled": self.tr("残疾人"), "pregnant": self.tr("孕妇"),
                             "veteran": self.tr("军人")}
        self.green = {reason: QCheckBox(self.green_labels[reason]) for reason in GREEN_ORDER}
        green_grid = QGridLayout()
        green_grid.setContentsMargins(0, 0, 0, 0)
        for i, reason in enumerate(GREEN_ORDER):
            self.green[reason].setChecked(True)
            green_grid.addWidget(self.green[reason], i // 2, i % 2)
        bform.addRow(self.tr("优先类别"), green_grid)
        row = QHBoxLayout()
        for text, slot in ((self.tr("新建业务"), self.create_business), (self.tr("保存业务"), self.save_business)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        bform.addRow(row)
        save_green = QPushButton(self.tr("保存优先类别"))
        save_green.clicked.connect(self.save_priority_classes)
        bform.addRow(save_green)

        self.daily, self.am, self.pm = _limit_box(), _limit_box(), _limit_box()
        self.opens, self.closes = QLineEdit("09:00"), QLineEdit("17:30")
        self.lunch_start, self.lunch_end = QLineEdit(), QLineEdit()
        for edit in (self.lunch_start, self.lunch_end):
            edit.setPlaceholderText(self.tr("无午休"))
        self.lunch_rule = QComboBox()
        for text, value in ((self.tr("跟随大厅规则"), None), (self.tr("午休停止取号"), True),
                            (self.tr("中午不打烊"), False)):
            self.lunch_rule.addItem(text, value)
        self.paused = QCheckBox(self.tr("暂停取号"))
        quota_box = QGroupBox(self.tr("放号管控（所选业务）"))
        qgrid = QGridLayout(quota_box)
        cells = ((self.tr("全天限号"), self.daily), (self.tr("上午限号"), self.am), (self.tr("下午限号"), self.pm),
                 (self.tr("开始取号"), self.opens), (self.tr("停止取号"), self.closes), (self.tr("午休规则"), self.lunch_rule),
                 (self.tr("午休开始"), self.lunch_start), (self.tr("午休结束"), self.lunch_end), ("", self.paused))
        for i, (label, widget) in enumerate(cells):
            qgrid.addWidget(QLabel(label), (i // 3) * 2, i % 3)
            qgrid.addWidget(widget, (i // 3) * 2 + 1, i % 3)
        save_quota = QPushButton(self.tr("保存放号规则"))
        save_quota.clicked.connect(self.save_quota)
        qgrid.addWidget(save_quota, 6, 2)

        self.levels = QTableWidget(0, 0)
        self.levels.verticalHeader().setDefaultSectionSize(30)
        self.levels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        levels_box = QGroupBox(self.tr("窗口办理业务（数字为优先级，1最先；0为不办理）"))
        lbox = QVBoxLayout(levels_box)
        lbox.addWidget(self.levels)
        save_levels = QPushButton(self.tr("保存窗口业务"))
        save_levels.clicked.connect(self.save_levels)
        lbox.addWidget(save_levels)

        self.hall_lunch = QCheckBox(self.tr("午休时间停止取号（全厅默认）"))
        self.pm_starts = QLineEdit("12:00")
        rules_box = QGroupBox(self.tr("大厅规则"))
        rform = QFormLayout(rules_box)
        rform.addRow(self.hall_lunch)
        rform.addRow(self.tr("下午号从此时起计"), self.pm_starts)
        save_rules = QPushButton(self.tr("保存大厅规则"))
        save_rules.clicked.connect(self.save_rules)
        rform.addRow(save_rules)

        self.at = QLineEdit("11:50")
        self.issued_day, self.issued_am, self.issued_pm = QSpinBox(), QSpinBox(), QSpinBox()
        for box in (self.issued_day, self.issued_am, self.issued_pm):
            box.setRange(0, 9999)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setStyleSheet("font-size: 15px; font-weight: bold;")
        preview_box = QGroupBox(self.tr("规则预览（按以上未保存的设置，取号机会如何处理）"))
        pgrid = QGridLayout(preview_box)
        for col, (label, widget) in enumerate(((self.tr("取号时间"), self.at), (self.tr("今日已出号"), self.issued_day),
                                               (self.tr("其中上午"), self.issued_am),
                                               (self.tr("其中下午"), self.issued_pm))):
            pgrid.addWidget(QLabel(label), 0, col)
            pgrid.addWidget(widget, 1, col)
        run = QPushButton(self.tr("预览"))
        run.clicked.connect(self.run_preview)
        pgrid.addWidget(run, 1, 4)
        pgrid.addWidget(self.answer, 2, 0, 1, 5)

        left = QVBoxLayout()
        left.addWidget(self.businesses, 1)
        forms = QHBoxLayout()
        forms.addWidget(business_box, 2)
        forms.addWidget(quota_box, 3)
        left.addLayout(forms)
        right = QVBoxLayout()
        right.addWidget(levels_box, 1)
        right.addWidget(rules_box)
        right.addWidget(preview_box)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        hall_page(self, self.tr("大厅"), self.hall, body, self.status)
        self.hall.load()

    # loading ----------------------------------------------------------------------------------------------

    def load(self) -> None:
        self.hall.fetch(lambda hall: (f"/queue/halls/{hall['id']}/config", f"/halls/{hall['code']}", "/departments"),
                        self._show)

    def _show(self, loaded: tuple[dict, dict, list]) -> None:
        self.config, detail, departments = loaded
        keep = selected_row(self.businesses)
        fill(self.businesses, [self._business_row(b) for b in self.config["businesses"]])
        if 0 <= keep < self.businesses.rowCount():
            self.businesses.selectRow(keep)
        for combo, items in ((self.department, [(d["name"], d["id"]) for d in departments]),
                             (self.floor, [(f["name"], f["id"]) for f in detail["floors"]])):
            set_choices(combo, items, self.tr("（不指定）"))
        rules = self.config["rules"]
        self.hall_lunch.setChecked(bool(rules.get("lunch_closed")))
        self.pm_starts.setText(rules.get("pm_starts_at", "12:00"))
        self._fill_levels()
        self.sig_loaded.emit()

    def _business_row(self, b: dict) -> tuple[str, ...]:
        q = b["quota"] or {}
        def limit(name: str) -> str:
            return "不限" if q.get(name) is None else str(q[name])
        hours = f"{q['opens_at'][:5]}–{q['closes_at'][:5]}" if q else "—"
        return (b["prefix"], b["name"], limit("daily_limit"), limit("am_limit"), limit("pm_limit"), hours,
                self._green_text(b["id"]), self.tr("办理中") if b["active"] else self.tr("停办"))

    def _green_of(self, business_id: int) -> tuple[str, ...]:
        """The business's priority classes as saved (not listed: all of them, the shared rule's default)."""
        listed = self.config["rules"].get("green_reasons_by_business", {}).get(str(business_id))
        return GREEN_ORDER if listed is None else tuple(r for r in GREEN_ORDER if r in listed)

    def _green_text(self, business_id: int) -> str:
        reasons = self._green_of(business_id)
        return "、".join(self.green_labels[r] for r in reasons) if reasons else self.tr("无")

    def _fill_levels(self) -> None:
        businesses, windows = self.config["businesses"], self.config["windows"]
        self.levels.clear()
        self.levels.setRowCount(len(windows))
        self.levels.setColumnCount(len(businesses))
        self.levels.setHorizontalHeaderLabels([f"{b['prefix']} {b['name']}" for b in businesses])
        self.levels.setVerticalHeaderLabels([self.tr("{n}号窗口").format(n=w["number"]) for w in windows])
        for r, window in enumerate(windows):
            served = {s["business_id"]: s["level"] for s in window["services"]}
            for c, business in enumerate(businesses):
                box = QSpinBox()
                box.setRange(0, 9)
                box.setValue(served.get(business["id"], 0))
                self.levels.setCellWidget(r, c, box)

    def _picked(self) -> None:
        row = selected_row(self.businesses)
        if row < 0:
            return
        b = self.config["businesses"][row]
        self.prefix.setText(b["prefix"])
        self.name.setText(b["name"])
        self.code.setText(b["code"])
        self.department.setCurrentIndex(max(self.department.findData(b["department_id"]), 0))
        self.floor.setCurrentIndex(max(self.floor.findData(b["floor_id"]), 0))
        self.active.setChecked(b["active"])
        q = b["quota"] or {}
        for box, name in ((self.daily, "daily_limit"), (self.am, "am_limit"), (self.pm, "pm_limit")):
            box.setValue(UNLIMITED if q.get(name) is None else q[name])
        self.opens.setText((q.get("opens_at") or "09:00")[:5])
        self.closes.setText((q.get("closes_at") or "17:30")[:5])
        self.lunch_start.setText((q.get("lunch_start") or "")[:5])
        self.lunch_end.setText((q.get("lunch_end") or "")[:5])
        self.paused.setChecked(bool(q.get("paused")))
        override = self.config["rules"].get("lunch_closed_by_business", {}).get(str(b["id"]))
        self.lunch_rule.setCurrentIndex(max(self.lunch_rule.findData(override), 0))
        offered = self._green_of(b["id"])
        for reason, box in self.green.items():
            box.setChecked(reason in offered)

    # the drafts on the page ---------------------------------------------------------------------------------

    def _selected(self) -> dict | None:
        row = selected_row(self.businesses)
        if row < 0:
            self.status.refused(AdminError("no_selection", self.tr("请先在表中选择一项业务")))
            return None
        return self.config["businesses"][row]

    def _quota_body(self) -> dict:
        def limit(box: QSpinBox) -> int | None:
            return None if box.value() == UNLIMITED else box.value()
        return {"daily_limit": limit(self.daily), "am_limit": limit(self.am), "pm_limit": limit(self.pm),
                "opens_at": self.opens.text().strip(), "closes_at": self.closes.text().strip(),
                "lunch_start": self.lunch_start.text().strip() or None,
                "lunch_end": self.lunch_end.text().strip() or None, "paused": self.paused.isChecked(),
                "lunch_closed": self.lunch_rule.currentData()}

    def _rules_body(self) -> dict:
        rules = {k: v for k, v in self.config["rules"].items() if k != "lunch_closed_by_business"}
        return {**rules, "lunch_closed": self.hall_lunch.isChecked(), "pm_starts_at": self.pm_starts.text().strip()}

    # actions ----------------------------------------------------------------------------------------------

    def _send(self, job, done_text: str) -> None:  # noqa: ANN001
        def done(_: object) -> None:
            self.status.done(done_text)
            self.load()
        self.context.call(job, on_done=done, on_error=self.status.refused)

    def _business_body(self) -> dict:
        return {"prefix": self.prefix.text().strip().upper(), "name": self.name.text().strip(),
                "department_id": self.department.currentData(), "floor_id": self.floor.currentData(),
                "active": self.active.isChecked()}

    def create_business(self) -> None:
        hall_id = self.hall.hall_id()
        body = {**self._business_body(), "code": self.code.text().strip() or self.prefix.text().strip().upper(),
                "sort_order": len(self.config["businesses"])}
        self._send(lambda: self.context.api.post(f"/queue/admin/halls/{hall_id}/businesses", body),
                   self.tr("已新建业务 {prefix} {name}").format(**body))

    def save_business(self) -> None:
        b = self._selected()
        if b is not None:
            body = self._business_body()
            self._send(lambda: self.context.api.patch(f"/queue/admin/businesses/{b['id']}", body),
                       self.tr("业务 {prefix} 已保存").format(prefix=body["prefix"]))

    def save_quota(self) -> None:
        b = self._selected()
        if b is not None:
            body = self._quota_body()
            self._send(lambda: self.context.api.put(f"/queue/admin/businesses/{b['id']}/quota", body),
                       self.tr("业务 {prefix} 的放号规则已保存").format(prefix=b["prefix"]))

    def save_rules(self) -> None:
        hall_id, body = self.hall.hall_id(), self._rules_body()
        self._send(lambda: self.context.api.put(f"/queue/admin/halls/{hall_id}/rules", body),
                   self.tr("大厅规则已保存"))

    def save_priority_classes(self) -> None:
        """The selected business's priority classes, into the hall's rules as saved (other drafts untouched)."""
        b = self._selected()
        if b is None:
            return
        hall_id = self.hall.hall_id()
        rules = {k: v for k, v in self.config["rules"].items() if k != "lunch_closed_by_business"}
        green = dict(rules.get("green_reasons_by_business", {}))
        green[str(b["id"])] = [r for r in GREEN_ORDER if self.green[r].isChecked()]
        body = {**rules, "green_reasons_by_business": green}
        self._send(lambda: self.context.api.put(f"/queue/admin/halls/{hall_id}/rules", body),
                   self.tr("业务 {prefix} 的优先类别已保存").format(prefix=b["prefix"]))

    def save_levels(self) -> None:
        """Every window whose businesses changed; a window left serving nothing is refused by the server's rule
        (a window serves at least one business), so it is named instead of sent."""
        changes, empty = [], []
        for r, window in enumerate(self.config["windows"]):
            services = [{"business_id": b["id"], "level": self.levels.cellWidget(r, c).value()}
                        for c, b in enumerate(self.config["businesses"]) if self.levels.cellWidget(r, c).value() > 0]
            before = sorted((s["business_id"], s["level"]) for s in window["services"])
            if sorted((s["business_id"], s["level"]) for s in services) == before:
                continue
            (changes if services else empty).append((window, services))
        api = self.context.api

        def send() -> None:
            for window, services in changes:
                api.put(f"/queue/admin/windows/{window['id']}/services", {"services": services})
        skipped = "、".join(str(w["number"]) for w, _ in empty)
        text = self.tr("窗口业务已保存") + (self.tr("（{n}号窗口未办理任何业务，未保存）").format(n=skipped) if skipped else "")
        self._send(send, text)

    def run_preview(self) -> None:
        """Build the draft business, rules and quota exactly as a dispenser builds them from synced rows, then
        ask the dispenser's checks. Pure computation: no server call, nothing saved."""
        row = selected_row(self.businesses)
        business_id = self.config["businesses"][row]["id"] if row >= 0 else 0
        try:
            body = self._quota_body()
            rules_doc = self._rules_body()
            overrides = dict(self.config["rules"].get("lunch_closed_by_business", {}))
            overrides.pop(str(business_id), None)
            if body["lunch_closed"] is not None:
                overrides[str(business_id)] = body["lunch_closed"]
            rules = rules_from_json({**rules_doc, "lunch_closed_by_business": overrides})
            domain.check_quota_limits(body["daily_limit"], body["am_limit"], body["pm_limit"])
            row_like = SimpleNamespace(business_id=business_id, daily_limit=body["daily_limit"],
                                       am_limit=body["am_limit"], pm_limit=body["pm_limit"],
                                       opens_at=_time(body["opens_at"]), closes_at=_time(body["closes_at"]),
                                       lunch_start=_time(body["lunch_start"] or ""),
                                       lunch_end=_time(body["lunch_end"] or ""), paused=body["paused"])
            quota = quota_of(row_like, rules)
            business = domain.Business(business_id, self.prefix.text().strip().upper(), self.name.text().strip(),
                                       self.active.isChecked())
            at = dt.datetime.combine(self.context.services.clock().astimezone(CHINA_TZ).date(),
                                     dt.time.fromisoformat(self.at.text().strip()), CHINA_TZ)
        except InvalidConfiguration as exc:
            self.answer.setText(self.tr("规则有误：{text}").format(text=error_text(exc.code, message_for(exc.code))))
            return
        except (TypeError, ValueError):
            self.answer.setText(self.tr("时间须写成 时:分，如 11:50"))
            return
        counts = IssuedCounts(self.issued_day.value(), self.issued_am.value(), self.issued_pm.value())
        self.answer.setText(self.tr("{at} 取{prefix}类号 → {answer}").format(
            at=self.at.text().strip(), prefix=business.prefix, answer=preview(business, quota, at, counts).text(business)))
