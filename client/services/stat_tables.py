"""The statistics screen's tables as plain data: what the screen shows, what the .xlsx export writes and what is
printed are one StatTable, so the three cannot differ. Built from the case statistics the server answers
(shared/approval/statistics) and from the queue report (shared/queue/report)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from shared.queue.projection import BUCKET_S
from shared.queue.statistics import RATING_CODES, GroupBy

Cell = int | float | str | None


@dataclass(frozen=True)
class StatTable:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    keys: list[tuple[str, ...]]              # per row: the group's key, for drill-down
    total: tuple[Cell, ...] | None = None    # the 合计 line
    key_columns: int = 1                     # leading columns naming the group
    chart: tuple[int, ...] = ()              # columns drawn as bars
    filters: str = ""                        # the filters, printed above the table
    notes: list[str] = field(default_factory=list)


def display(value: Cell) -> str:
    """A cell as the screen shows it (and as an export re-read must read)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


# -- cases ------------------------------------------------------------------------------------------------
CASE_DIMENSIONS = {"year": "年度", "quarter": "季度", "month": "月份", "town": "乡镇（街道）", "item": "事项",
                   "channel": "渠道", "department": "部门", "status": "办理状态"}
CASE_COLUMNS = (("received", "收件"), ("accepted", "受理"), ("not_accepted", "不予受理"), ("granted", "准予许可"),
                ("refused", "不予许可"), ("closed", "办结"), ("withdrawn", "撤回"), ("terminated", "终止"),
                ("in_progress", "在办"), ("overdue", "逾期未办结"), ("average_cycle_days", "平均办结日数"))
CHANNELS = {"counter": "窗口", "online": "网上", "post": "邮寄", "mobile": "移动端"}
STATUSES = {"received": "已收件", "pre_accepted": "预受理", "correction_requested": "补正中",
            "not_accepted": "不予受理", "in_review": "审查中", "special_procedure": "特别程序",
            "decided_granted": "准予许可", "decided_refused": "不予许可", "licence_made": "已制证",
            "licence_issued": "已发证", "closed": "已办结", "delivered": "已送达", "withdrawn": "已撤回",
            "terminated": "已终止"}


def case_table(answer: dict, by: Sequence[str], item_names: dict[str, str], filters: str = "") -> StatTable:
    """GET /api/v1/statistics/cases as a table (item codes, channels and states named)."""
    def label(dim: str, value: str) -> str:
        if dim == "item":
            return item_names.get(value, value)
        if dim == "channel":
            return CHANNELS.get(value, value)
        if dim == "status":
            return STATUSES.get(value, value)
        return value or "（未填）"

    def cells(row: dict) -> tuple[Cell, ...]:
        cycle = row["average_cycle_days"]
        return tuple(row[k] if k != "average_cycle_days" else (round(cycle, 1) if cycle is not None else None)
                     for k, _ in CASE_COLUMNS)

    rows = [tuple(label(d, v) for d, v in zip(by, r["key"])) + cells(r) for r in answer["rows"]]
    return StatTable("办件统计", tuple(CASE_DIMENSIONS[d] for d in by) + tuple(n for _, n in CASE_COLUMNS), rows,
                     [tuple(r["key"]) for r in answer["rows"]],
                     ("合计",) + ("",) * (len(by) - 1) + cells(answer["total"]), len(by),
                     chart=(len(by), len(by) + 5), filters=filters,
                     notes=[f"统计截至 {answer['as_of']}；平均办结日数：自受理至办结的工作日，特别程序、补正等停止计时的时间不计。"])


# -- queue ------------------------------------------------------------------------------------------------
GROUPS = {GroupBy.DAY: "日期", GroupBy.BUSINESS: "业务", GroupBy.WINDOW: "窗口", GroupBy.CLERK: "工作人员",
          GroupBy.HOUR: "时段"}
# times in minutes (the notes say so): short headers, so that twelve columns fit a 1366-pixel screen
QUEUE_COLUMNS = ("取号", "办结", "过号", "闭厅未办", "取消", "平均等候", "等候P50", "等候P90", "平均办理", "办理P50",
                 "办理P90")


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def group_label(by: GroupBy, key: str, names: Callable[[GroupBy, str], str]) -> str:
    if key == "none":
        return {GroupBy.WINDOW: "（未到窗口）", GroupBy.CLERK: "（未办理）"}.get(by, "（无）")
    if by is GroupBy.HOUR:
        return f"{int(key):02d}:00–{int(key) + 1:02d}:00"
    return key if by is GroupBy.DAY else names(by, key)


def _queue_cells(g: dict) -> tuple[Cell, ...]:
    out = g["by_outcome"]
    return (g["issued"], out.get("finished", 0), g["no_shows"], g["closed_unserved"], out.get("cancelled", 0),
            _minutes(g["waiting"]["mean_s"]), _minutes(g["waiting"]["p50_s"]), _minutes(g["waiting"]["p90_s"]),
            _minutes(g["service"]["mean_s"]), _minutes(g["service"]["p50_s"]), _minutes(g["service"]["p90_s"]))


def _order(by: GroupBy, keys: list[str]) -> list[str]:
    """Days and hours in time order, the others by number (window/business ids) with 'none' last."""
    def key(k: str) -> tuple:
        if k == "none":
            return (2, 0, k)
        return (0, int(k), k) if k.isdigit() else (1, 0, k)
    return sorted(keys) if by is GroupBy.DAY else sorted(keys, key=key)


def quota_shares(quota_use: dict) -> dict[str, float | None]:
    """The server's quota use per day and business (GET …/statistics) as one share per business over the days:
    tickets that drew on the quota against the days' limits (None when a day had no limit)."""
    issued: dict[str, int] = {}
    limits: dict[str, int | None] = {}
    for per_business in quota_use.values():
        for business, use in per_business.items():
            issued[business] = issued.get(business, 0) + use["issued"]
            known = limits.get(business, 0)
            limits[business] = None if known is None or use["limit"] is None else known + use["limit"]
    return {b: (round(100 * issued[b] / limits[b], 1) if limits[b] else None) for b in issued}


def queue_table(report: dict, by: GroupBy, names: Callable[[GroupBy, str], str], filters: str = "",
                quota: dict[str, float | None] | None = None, quota_note: str = "") -> StatTable:
    """`quota` (by business only): the quota use per business in %, from the server."""
    keys = [k for k in _order(by, list(report["groups"])) if report["groups"][k]["issued"]]
    with_quota = by is GroupBy.BUSINESS
    extra = (lambda k: ((quota or {}).get(k),)) if with_quota else (lambda k: ())
    rows = [(group_label(by, k, names),) + _queue_cells(report["groups"][k]) + extra(k) for k in keys]
    notes = ["时长单位：分钟。等候：取号至首次叫号；办理：实际办理时长（不含暂停）；P50：半数群众不超过的时长；"
             f"P90：九成群众不超过的时长（P50、P90按{BUCKET_S}秒分档统计，为近似值，与逐号计算相差±{BUCKET_S / 2:g}秒以内）。"]
    if with_quota:
        notes.append(quota_note or "配额使用：占用当日取号配额的取号与预约（服务器统计）占配额的比例。")
    return StatTable("排队统计", (GROUPS[by],) + QUEUE_COLUMNS + (("配额使用（%）",) if with_quota else ()), rows,
                     [(k,) for k in keys], ("合计",) + _queue_cells(report["totals"]) + ((None,) if with_quota else ()),
                     chart=(1, 2), filters=filters, notes=notes)


# -- ratings ----------------------------------------------------------------------------------------------
LEVELS = {"very_satisfied": "非常满意", "satisfied": "满意", "basically_satisfied": "基本满意",
          "dissatisfied": "不满意", "very_dissatisfied": "非常不满意", "not_rated": "未评价"}


def _rating_cells(dist: dict) -> tuple[Cell, ...]:
    rated = sum(n for code, n in dist.items() if code != "not_rated")
    good = dist["very_satisfied"] + dist["satisfied"] + dist["basically_satisfied"]
    bad = dist["dissatisfied"] + dist["very_dissatisfied"]
    return tuple(dist[c] for c in RATING_CODES) + (bad, round(100 * good / rated, 1) if rated else None)


def rating_table(report: dict, by: GroupBy, names: Callable[[GroupBy, str], str], filters: str = "") -> StatTable:
    keys = [k for k in _order(by, list(report["groups"])) if sum(report["groups"][k]["ratings"].values())]
    rows = [(group_label(by, k, names),) + _rating_cells(report["groups"][k]["ratings"]) for k in keys]
    headers = (GROUPS[by],) + tuple(LEVELS[c] for c in RATING_CODES) + ("差评", "满意率（%）")
    return StatTable("评价统计", headers, rows, [(k,) for k in keys],
                     ("合计",) + _rating_cells(report["totals"]["ratings"]), chart=(1, 2, 3, 4, 5),
                     filters=filters, notes=["差评：不满意与非常不满意；满意率：非常满意、满意、基本满意占已评价的比例。"])


# -- ratings with 一事一评 (ticket and case ratings, shared.rating.statistics) ----------------------------
SOURCES = {"ticket": "排队取号", "case": "一事一评"}
RATED_GROUPS = {"department": "部门", "business": "业务/事项", "source": "来源"}
RATED_LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")


def _rated_cells(figures: dict) -> tuple[Cell, ...]:
    levels = figures["levels"]
    good = levels["very_satisfied"] + levels["satisfied"] + levels["basically_satisfied"]
    share = round(100 * good / figures["rated"], 1) if figures["rated"] else None
    return tuple(levels[c] for c in RATED_LEVELS) + (figures["not_rated"], figures["bad"], share)


def rated_table(rows: list[tuple[str, str, dict]], whole: dict, by: str, names: Callable[[str, str], str],
                filters: str = "") -> StatTable:
    """shared.rating.statistics figures per (source, group) — queue tickets' ratings and 一事一评 case ratings
    side by side, the source named on every line; `names(by, key)` names a group."""
    with_source = by != "source"
    lines = [(((names(by, key),) if with_source else ()) + (SOURCES[source],) + _rated_cells(figures), (source, key))
             for source, key, figures in rows if figures["rated"] or figures["not_rated"]]
    headers = ((RATED_GROUPS[by],) if with_source else ()) + ("来源",) + tuple(LEVELS[c] for c in RATED_LEVELS) + (
        "未评价", "差评", "满意率（%）")
    keys = 2 if with_source else 1
    return StatTable("评价统计（含一事一评）", headers, [line for line, _ in lines], [key for _, key in lines],
                     ("合计",) + ("",) * (keys - 1) + _rated_cells(whole), key_columns=keys,
                     chart=tuple(range(keys, keys + 5)), filters=filters,
                     notes=["来源：排队取号为窗口评价器的评价，一事一评为办件办结后的评价；部门：所办业务或所申请事项的部门；"
                            "申诉撤销的评价不计。差评：不满意与非常不满意；满意率：非常满意、满意、基本满意占已评价的比例。"])
