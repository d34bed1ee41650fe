"""A banner that says the working-day calendar of a year is missing (shared/calendar_warning.py decides when):
to administrators from 1 November, on every deadline screen once deadlines are affected. It asks only the
calendar already in memory (no disk), so it may be refreshed on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

import datetime as dt

from gui.qt import QLabel, QSize, QSizePolicy, QWidget
from shared.calendar_warning import KnowsYears, calendar_warning


MIN_WIDTH = 200


class CalendarBanner(QLabel):
    def __init__(self, calendar: KnowsYears, today: Callable[[], dt.date], *, admin: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar, self.today, self.admin = calendar, today, admin
        self.setObjectName("calendarBanner")
        self.setWordWrap(True)
        # one or two lines of text, never stretched by the layout it sits in
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)  # never clipped
        self.setStyleSheet("QLabel#calendarBanner { background: #fff4e5; color: #8a4b00; border: 1px solid #f0b35a;"
                           " border-radius: 4px; padding: 6px 10px; font-weight: bold; }")
        self.refresh()

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        # wraps to whatever width it is given: never widen the column (or splitter side) it sits in
        return QSize(MIN_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(MIN_WIDTH, super().minimumSizeHint().height())

    def refresh(self) -> None:
        warning = calendar_warning(self.calendar, self.today())
        if warning is None or not (self.admin or warning.late):
            self.hide()
            self.setText("")
            return
        year = warning.year
        if self.admin:
            text = self.tr("{0}年节假日安排尚未录入：请在“节假日历”页录入国务院办公厅的放假通知，"
                           "否则从{0}年1月1日起的办理期限只能按周末规则暂估。").format(year)
        else:
            text = self.tr("{0}年节假日安排尚未录入：进入{0}年的办理期限按周末规则暂估，录入后自动更正。"
                           "请联系系统管理员录入。").format(year)
        self.setText(text)
        self.show()
