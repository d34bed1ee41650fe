"""节假日历: a year's working-day calendar — its status (packaged official data, entered by an admin, missing),
the days that differ from the weekday rule, single-day settings (a holiday, a make-up working day, a local
closure) and the import of the State Council's notice or a CSV list (shared/calendar_import.py). Every change
goes to the server; the workstation then pulls, so its own deadline screens and the workspace's banner
(client/widgets/calendar_banner.py) follow at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from client.services.admin_api import AdminError
from client.workspaces.admin.context import AdminContext, describe, describe_with_reason
from gui.qt import (QAbstractItemView, QCheckBox, QColor, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                    QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QSplitter,
                    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from shared.approval.events import local_day
from shared.sync.errors import SyncFailed

WEEKDAYS = "一二三四五六日"
KINDS = (("放假（法定节假日）", False, ""), ("调休上班", True, ""), ("本地停办", False, "本地停办："))
STATUS = {"official": "已内置国家公布数据", "published": "已由管理员录入（已发布）", "missing": "尚未录入"}
FORMAT_HELP = ("每行一天：日期,类型,名称，例如\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n"
               "类型为 holiday（放假）或 workday（上班）。\n也可直接粘贴国务院办公厅通知正文，如：\n"
               "二、春节：2月6日至12日放假调休，共7天。2月3日（星期日）、2月14日（星期六）上班。")


class CalendarPage(QWidget):
    sig_loaded = Signal(object)   # the year shown (dict), or an AdminError
    sig_changed = Signal(object)  # after an edit: the year as the server now holds it, or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        services = context.services
        self.today = lambda: local_day(services.clock())
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self._default_year())
        self.year.setSuffix(self.tr(" 年"))
        self.year.valueChanged.connect(lambda _: self.refresh())
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份")))
        top.addWidget(self.year)
        top.addWidget(self.status, 1)
        self.days = QTableWidget(0, 5)
        self.days.setHorizontalHeaderLabels([self.tr("日期"), self.tr("星期"), self.tr("安排"), self.tr("说明"),
                                             self.tr("来源")])
        self.days.verticalHeader().hide()
        self.days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.days.horizontalHeader()
        for col in (0, 1, 2, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.days.itemSelectionChanged.connect(self._picked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        split = QSplitter()
        split.addWidget(self.days)
        split.addWidget(self._editors())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.shown: dict | None = None
        self.refresh()

    def _default_year(self) -> int:
        today = self.today()
        calendar = self.context.services.cases.calendar
        return today.year + 1 if today.month >= 11 and not calendar.knows_year(today.year + 1) else today.year

    def _editors(self) -> QWidget:
        day_box = QGroupBox(self.tr("单日设置（节假日、调休上班、本地停办）"))
        self.day = QLineEdit()
        self.day.setPlaceholderText("2027-01-01")
        self.kind = QComboBox()
        for label, _, _ in KINDS:
            self.kind.addItem(self.tr(label))
        self.day_notice = QLineEdit()
        self.day_notice.setPlaceholderText(self.tr("文号或原因，如 国办发明电〔2026〕X号 / 系统升级"))
        save = QPushButton(self.tr("保存此日"))
        save.clicked.connect(self.save_day)
        self.clear = QPushButton(self.tr("删除此日的录入"))
        self.clear.clicked.connect(self.clear_day)
        form = QFormLayout(day_box)
        form.addRow(self.tr("日期"), self.day)
        form.addRow(self.tr("安排"), self.kind)
        form.addRow(self.tr("说明"), self.day_notice)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear)
        row.addWidget(save)
        form.addRow(row)

        import_box = QGroupBox(self.tr("导入国务院办公厅放假通知"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr(FORMAT_HELP))
        self.notice = QLineEdit()
        self.notice.setPlaceholderText(self.tr("通知文号，如 国办发明电〔2026〕X号"))
        self.publish = QCheckBox(self.tr("导入后标记本年已全部录入（其余日期按周末规则）"))
        self.publish.setChecked(True)
        load = QPushButton(self.tr("从文件读取…"))
        load.clicked.connect(self.choose_file)
        run = QPushButton(self.tr("导入"))
        run.setDefault(True)
        run.clicked.connect(self.run_import)
        mark = QPushButton(self.tr("仅标记本年已全部录入"))
        mark.clicked.connect(self.mark_published)
        box = QVBoxLayout(import_box)
        box.addWidget(self.text, 1)
        notice_row = QFormLayout()
        notice_row.addRow(self.tr("通知文号"), self.notice)
        box.addLayout(notice_row)
        box.addWidget(self.publish)
        buttons = QHBoxLayout()
        buttons.addWidget(load)
        buttons.addStretch(1)
        buttons.addWidget(mark)
        buttons.addWidget(run)
        box.addLayout(buttons)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(day_box)
        column.addWidget(import_box, 1)
        return side

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        year = self.year.value()
        self.status.setText(self.tr("正在读取 {0} 年……").format(year))
        self.context.call(lambda: self.context.api.get(f"/calendar/years/{year}"), on_done=self._show,
                          on_error=self._load_failed)

    def _show(self, year: dict) -> None:
        if year["year"] != self.year.value():
            return  # an older answer, the admin has moved on
        self.shown = year
        status = self.tr(STATUS[year["status"]])
        notice = self.tr("（{0}）").format(year["notice"]) if year["notice"] else ""
        if year["status"] == "missing":
            self.status.setText(self.tr("{0} 年：尚未录入。请粘贴或读取国务院办公厅的放假通知后导入。").format(year["year"]))
        else:
            self.status.setText(self.tr("{0} 年：{1}{2}，单独安排的日期 {3} 天").format(
                year["year"], status, notice, len(year["days"])))
        self.status.setStyleSheet("color: #c62828; font-weight: bold;" if year["status"] == "missing" else "")
        self.days.setRowCount(len(year["days"]))
        for row, entry in enumerate(year["days"]):
            day = dt.date.fromisoformat(entry["day"])
            values = (entry["day"], self.tr("星期") + WEEKDAYS[day.weekday()],
                      self.tr("上班") if entry["is_workday"] else self.tr("放假"), entry["notice"],
                      self.tr("国家公布数据") if entry["source"] == "official" else self.tr("管理员录入"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 2:
                    item.setForeground(QColor("#1565c0" if entry["is_workday"] else "#c62828"))
                self.days.setItem(row, col, item)
        self.sig_loaded.emit(year)

    def _load_failed(self, error: AdminError) -> None:
        self.status.setText(describe(error))
        self.status.setStyleSheet("color: #c62828;")
        self.sig_loaded.emit(error)

    def _picked(self) -> None:
        rows = {i.row() for i in self.days.selectedItems()}
        if len(rows) == 1 and self.shown is not None:
            entry = self.shown["days"][rows.pop()]
            self.day.setText(entry["day"])
            self.kind.setCurrentIndex(1 if entry["is_workday"] else
                                      2 if entry["notice"].startswith(KINDS[2][2]) else 0)
            self.day_notice.setText(entry["notice"].removeprefix(KINDS[2][2]))

    # -- edits --------------------------------------------------------------------------------------------
    def save_day(self) -> None:
        day = self._day()
        if day is None:
            return
        _, is_workday, prefix = KINDS[self.kind.currentIndex()]
        body = {"is_workday": is_workday, "notice": (prefix + self.day_notice.text().strip())[:200]}
        self._edit(lambda: self.context.api.put(f"/admin/calendar/days/{day.isoformat()}", body),
                   self.tr("已保存 {0}").format(day.isoformat()))

    def clear_day(self) -> None:
        day = self._day()
        if day is None:
            return
        self._edit(lambda: self.context.api.delete(f"/admin/calendar/days/{day.isoformat()}"),
                   self.tr("已删除 {0} 的录入").format(day.isoformat()))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择放假安排文件"), "",
                                              self.tr("文本或CSV (*.txt *.csv);;所有文件 (*)"))
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        def read() -> str:
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):  # files saved by Excel or Notepad on a Chinese Windows
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    continue
            raise AdminError("calendar_file_unreadable", "文件不是文本文件（应为 UTF-8 或 GBK 编码的 .txt/.csv）")
        self.context.call(read, on_done=self.text.setPlainText, on_error=self._failed)

    def run_import(self) -> None:
        year, text, notice = self.year.value(), self.text.toPlainText(), self.notice.text().strip()
        if not text.strip() or not notice:
            self._say(self.tr("请粘贴或读取放假安排，并填写通知文号"), error=True)
            return
        body = {"text": text, "notice": notice, "publish": self.publish.isChecked()}
        self._edit(lambda: self.context.api.post(f"/admin/calendar/years/{year}/import", body),
                   self.tr("{0} 年的放假安排已导入").format(year))

    def mark_published(self) -> None:
        year, notice = self.year.value(), self.notice.text().strip()
        if not notice:
            self._say(self.tr("请填写通知文号"), error=True)
            return
        self._edit(lambda: self.context.api.put(f"/admin/calendar/years/{year}", {"notice": notice}),
                   self.tr("{0} 年已标记为全部录入").format(year))

    def _edit(self, job, done_text: str) -> None:  # noqa: ANN001
        """Send the edit, then read the year back and pull, so this workstation's calendar (and its banner)
        has the change too."""
        year, services = self.year.value(), self.context.services

        def run() -> dict:
            job()
            shown = self.context.api.get(f"/calendar/years/{year}")
            try:
                services.sync.sync_once()
            except SyncFailed:
                pass  # the edit is on the server; the sync loop brings it here later
            return shown
        self._say(self.tr("正在提交……"))

        def done(shown: dict) -> None:
            self._say(done_text)
            self._show(shown)
            self.sig_changed.emit(shown)
        self.context.call(run, on_done=done, on_error=self._failed)

    def _failed(self, error: AdminError) -> None:
        self._say(describe_with_reason(error), error=True)
        self.sig_changed.emit(error)

    def _day(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.day.text().strip())
        except ValueError:
            self._say(self.tr("日期应写成 YYYY-MM-DD，例如 2027-01-01"), error=True)
            return None

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")
