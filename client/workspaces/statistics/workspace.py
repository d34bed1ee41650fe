"""统计分析: cases (by period, town, department, item, channel, status; average cycle net of stopped time) from
the server, queue (waits, service times, no-shows by day, business, window, clerk or hour) and ratings (by
window, clerk, business) from the cache — each with its chart, drill-down, Excel export, print and PDF."""

from __future__ import annotations

import datetime as dt

from client.services.admin_api import OFFLINE, AdminApi, AdminError
from client.services.context import Services
from client.services.hall_figures import HallFigures
from client.services.rectification import desk_for
from client.services.rowsql import RowSql
from client.services.stat_tables import (CASE_DIMENSIONS, CHANNELS, GROUPS, LEVELS, RATED_GROUPS, SOURCES,
                                         STATUSES, case_table, queue_table, quota_shares, rated_table, rating_table)
from client.services.statistics import CaseStatistics, ratings_of_group, tickets_of_group
from client.workspaces.statistics.view import Query, Result, StatView
from gui.ops import Ops
from gui.qt import QTabWidget, QVBoxLayout, QWidget
from shared.queue.clock import CHINA_TZ
from shared.queue.statistics import GroupBy
from shared.queue.timing import first_wait, service_time
from shared.rating.statistics import group_of

STATES = {"waiting": "等候", "called": "已叫号", "serving": "办理中", "held": "暂挂", "finished": "已办结",
          "no_show": "过号", "cancelled": "已取消", "transferred": "已转移"}
QUEUE_GROUPS = [(g.value, GROUPS[g]) for g in (GroupBy.BUSINESS, GroupBy.WINDOW, GroupBy.CLERK, GroupBy.HOUR,
                                               GroupBy.DAY)]
# the queue's groupings count the evaluators' ticket ratings; these three add the 一事一评 case ratings
# (shared.rating.statistics groupings, the code is the screen's, the value the grouping's)
RATED_CODES = {"rated_department": "department", "rated_business": "business", "rated_source": "source"}
RATING_GROUPS = [(g.value, GROUPS[g]) for g in (GroupBy.WINDOW, GroupBy.CLERK, GroupBy.BUSINESS, GroupBy.DAY)] + [
    ("rated_department", "部门（含一事一评）"), ("rated_business", "业务/事项（含一事一评）"),
    ("rated_source", "来源（排队取号/一事一评）")]


class StatisticsError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def _m(delta: dt.timedelta | None) -> str:
    return "—" if delta is None else f"{delta.total_seconds() / 60:.1f}"


class StatisticsWorkspace(QWidget):
    def __init__(self, services: Services, ops: Ops, figures: HallFigures | None = None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        self.reference = services.reference
        self.figures = figures or HallFigures(RowSql(services.engine), services.reference, services.clock,
                                              write=ops.write)
        self.case_stats = CaseStatistics(AdminApi(services.sync), RowSql(services.engine))
        self.item_names = {c.item_code: c.item_name for c in services.catalogue.choices}
        today = services.clock().astimezone(CHINA_TZ).date()
        self.cases = StatView(ops, self._cases, [(k, v) for k, v in CASE_DIMENSIONS.items()], self._case_rows,
                              today.replace(month=1, day=1), today, second_group=True)
        self.queue = StatView(ops, self._queue, QUEUE_GROUPS, self._ticket_rows, today.replace(day=1), today)
        self.ratings = StatView(ops, self._ratings, RATING_GROUPS, self._rating_rows, today.replace(day=1), today)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.cases, self.tr("办件统计"))
        self.tabs.addTab(self.queue, self.tr("排队统计"))
        self.tabs.addTab(self.ratings, self.tr("评价统计"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    # -- names -------------------------------------------------------------------------------------------
    def name(self, by: GroupBy, key: str) -> str:
        if by is GroupBy.BUSINESS:
            return self.reference.business_name(int(key))
        if by is GroupBy.WINDOW:
            w = self.reference.windows.get(int(key))
            return (w.name or f"{w.number}号窗口") if w else f"{key}号窗口"
        if by is GroupBy.CLERK:
            return self.reference.staff_name(key)
        return key

    @staticmethod
    def _filters(q: Query, names: list[str]) -> str:
        return f"统计期间：{q.first:%Y-%m-%d} 至 {q.last:%Y-%m-%d}；分组：{'、'.join(names)}"

    # -- cases (server) ----------------------------------------------------------------------------------
    def _cases(self, q: Query) -> Result:
        try:
            answer = self.case_stats.fetch(q.groups, q.first, q.last)
        except AdminError as exc:
            if exc.code == OFFLINE:
                raise StatisticsError(self.tr("离线：办件统计由服务器按全部办件计算（含扣除停止计时的办结周期），"
                                              "连接服务器后再查询。排队和评价统计可离线查看。")) from exc
            raise StatisticsError(self.tr("办件统计失败：{0}").format(exc.message or exc.code)) from exc
        names = [CASE_DIMENSIONS[g] for g in q.groups]
        return Result(case_table(answer, q.groups, self.item_names, self._filters(q, names)), q)

    def _case_rows(self, result: Result, key: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
        q: Query = result.context
        rows = self.case_stats.rows(q.groups, key, q.first, q.last)
        headers = [self.tr("办件编号"), self.tr("事项"), self.tr("乡镇（街道）"), self.tr("部门"), self.tr("渠道"),
                   self.tr("状态"), self.tr("收件日期"), self.tr("受理日期")]
        return headers, [[r.get("case_number") or r["id"], self.item_names.get(r.get("item_code"), r.get("item_code")),
                          r.get("town") or "", r.get("department") or "", CHANNELS.get(r.get("channel"), r.get("channel") or ""),
                          STATUSES.get(r.get("status"), r.get("status") or ""), r.get("received_on") or "",
                          r.get("accepted_on") or ""] for r in rows]

    # -- queue and ratings (cache) -----------------------------------------------------------------------
    def _load(self, q: Query):  # noqa: ANN202
        """The figures from the cache's per-day projection; the tickets themselves are read only to drill down."""
        by = GroupBy(q.groups[0])
        return by, q, self.figures.queue_report(q.first, q.last, by)

    def _queue(self, q: Query) -> Result:
        by, data, report = self._load(q)
        quota, note = None, ""
        if by is GroupBy.BUSINESS:
            quota, note = self._quota(q)
        return Result(queue_table(report, by, self.name, self._filters(q, [GROUPS[by]]), quota, note), (by, data))

    def _quota(self, q: Query) -> tuple[dict | None, str]:
        """Quota use counts the appointments holding a slot, which only the server knows: asked online."""
        try:
            answer = self.case_stats.api.get(f"/queue/halls/{self.reference.hall_id}/statistics",
                                             day=q.first.isoformat(), to=q.last.isoformat(), by="business")
        except AdminError as exc:
            if exc.code == OFFLINE:
                return None, self.tr("离线：配额使用由服务器统计，连接服务器后显示。")
            return None, self.tr("配额使用：{0}").format(exc.message or exc.code)
        return quota_shares(answer["quota_use"]), ""

    def _ratings(self, q: Query) -> Result:
        if q.groups[0] in RATED_CODES:
            return self._rated(q, RATED_CODES[q.groups[0]])
        by, data, report = self._load(q)
        table = rating_table(report, by, self.name, self._filters(q, [GROUPS[by]]))
        table.notes.append("按窗口、工作人员、业务、日期分组的仅为排队取号的窗口评价；一事一评（办件评价）请按部门、业务/事项或来源分组查看。")
        return Result(table, (by, data))

    def _rated(self, q: Query, by: str) -> Result:
        """Ticket and case ratings alike (shared.rating.statistics, as the server's 差评 statistics)."""
        desk = desk_for(self.services)
        rows, whole, rated = desk.statistics_by_source(q.first, q.last, by)
        departments = desk.department_names()

        def name(by: str, key: str) -> str:
            if by == "department":
                return departments.get(int(key), key) if key != "none" else self.tr("（未归属部门）")
            source, _, subject = key.partition(":")
            if source == "case":
                return self.item_names.get(subject, subject) or self.tr("（未知事项）")
            return self.reference.business_name(int(subject)) if subject.isdigit() else self.tr("（未知业务）")
        table = rated_table(rows, whole, by, name, self._filters(q, [RATED_GROUPS[by]]))
        return Result(table, ("rated", by, rated, name, departments))

    def _rated_rows(self, result: Result, key: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
        _, by, rated, name, departments = result.context
        source, group = key
        headers = [self.tr("来源"), self.tr("业务/事项"), self.tr("部门"), self.tr("评价")]
        return headers, [[SOURCES[r.source], name("business", f"{r.source}:{r.subject}"),
                          departments.get(r.department_id, "") if r.department_id is not None else "",
                          LEVELS.get(r.level or "not_rated", r.level or "")]
                         for r in rated if r.source == source and group_of(by, r) == group]

    def _ticket_rows(self, result: Result, key: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
        by, q = result.context
        data = self.figures.queue_data(q.first, q.last)
        headers = [self.tr("号码"), self.tr("业务"), self.tr("取号时间"), self.tr("状态"), self.tr("窗口"),
                   self.tr("工作人员"), self.tr("等候（分）"), self.tr("办理（分）")]
        return headers, [[t.number, self.reference.business_name(t.business_id), f"{t.issued_wall:%m-%d %H:%M}",
                          STATES.get(t.state.value, t.state.value),
                          self.name(GroupBy.WINDOW, str(t.window_id)) if t.window_id else "",
                          self.reference.staff_name(t.clerk_id), _m(first_wait(t)), _m(service_time(t))]
                         for t in tickets_of_group(data, by, key[0])]

    def _rating_rows(self, result: Result, key: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
        if result.context[0] == "rated":
            return self._rated_rows(result, key)
        by, q = result.context
        data = self.figures.queue_data(q.first, q.last)
        headers = [self.tr("号码"), self.tr("业务"), self.tr("窗口"), self.tr("工作人员"), self.tr("办结时间"),
                   self.tr("评价"), self.tr("评价时间"), self.tr("意见")]
        return headers, [[r.visit.ticket_number, self.reference.business_name(r.visit.business_id),
                          self.name(GroupBy.WINDOW, str(r.visit.window_id)), self.reference.staff_name(r.visit.clerk_id),
                          f"{r.visit.finished_at:%m-%d %H:%M}", LEVELS.get(r.code, r.code),
                          f"{r.recorded_at:%m-%d %H:%M}", r.reason] for r in ratings_of_group(data, by, key[0])]
