"""查询统计: counts by year, quarter, month, town, item, channel, department or status, and the average cycle in
working days with stopped time (Art. 45 procedures, corrections) left out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from shared.approval.clocks import Card
from shared.approval.lifecycle import CaseStatus
from shared.approval.overdue import case_card
from shared.approval.views import CaseView

DIMENSIONS: dict[str, Callable[[CaseView], str]] = {
    "year": lambda v: f"{v.state.received_on.year}",
    "quarter": lambda v: f"{v.state.received_on.year}-Q{(v.state.received_on.month - 1) // 3 + 1}",
    "month": lambda v: f"{v.state.received_on:%Y-%m}",
    "town": lambda v: v.state.town,
    "item": lambda v: v.state.item_code,
    "channel": lambda v: v.state.channel,
    "department": lambda v: v.state.department,
    "status": lambda v: v.state.status.value,  # where the case stands or how it ended (准予/不予许可, 撤回…)
}


FLAGS = ("accepted", "not_accepted", "granted", "refused", "closed", "withdrawn", "terminated", "in_progress",
         "overdue")


@dataclass(frozen=True)
class Counts:
    received: int = 0
    accepted: int = 0
    not_accepted: int = 0
    granted: int = 0
    refused: int = 0
    closed: int = 0          # 已办结
    withdrawn: int = 0
    terminated: int = 0
    in_progress: int = 0     # 正在办理: received or accepted, not closed or ended
    overdue: int = 0         # 逾期未办结: still open and red by shared.approval.overdue
    cycle_total: int = field(default=0, repr=False)  # sum and count of closed cases' net cycles (working days):
    cycle_count: int = field(default=0, repr=False)  # summable, so a projection can add partials

    @property
    def average_cycle_days(self) -> float | None:
        """Acceptance to 办结 in working days, stopped time excluded; None when nothing is closed yet."""
        return self.cycle_total / self.cycle_count if self.cycle_count else None


@dataclass(frozen=True)
class CaseFigures:
    """One case's share of every figure: its key for each dimension, its 0/1 flags and its net cycle (closed
    cases only). The server's statistics projection stores these per case; `summed` adds them up."""
    keys: dict[str, str]
    flags: dict[str, int]
    cycle_days: int | None
    is_open: bool


def figures(v: CaseView) -> CaseFigures:
    s = v.state
    closed = s.closed_on is not None
    flags = {"accepted": int(s.accepted_on is not None), "not_accepted": int(s.status is CaseStatus.NOT_ACCEPTED),
             "granted": int(s.decision == "granted"), "refused": int(s.decision == "refused"),
             "closed": int(closed), "withdrawn": int(s.status is CaseStatus.WITHDRAWN),
             "terminated": int(s.status is CaseStatus.TERMINATED), "in_progress": int(v.is_open),
             "overdue": int(case_card(v) is Card.RED)}
    return CaseFigures({d: f(v) for d, f in DIMENSIONS.items()}, flags,
                       v.promised.used if closed and v.promised is not None else None, v.is_open)


def check_dimensions(by: Sequence[str]) -> None:
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown statistics dimensions: {unknown}; known: {sorted(DIMENSIONS)}")


def summed(parts: Iterable[tuple[tuple[str, ...], dict[str, int]]]) -> dict[tuple[str, ...], Counts]:
    """Partials keyed by group, each {"received": n, flag: n…, "cycle_total": n, "cycle_count": n}, added up per
    group, groups sorted: the one way both the raw recount and the projection make the table."""
    table: dict[tuple[str, ...], dict[str, int]] = {}
    for key, part in parts:
        acc = table.setdefault(key, dict.fromkeys(("received", *FLAGS, "cycle_total", "cycle_count"), 0))
        for name, n in part.items():
            acc[name] += n
    return {k: Counts(**table[k]) for k in sorted(table)}


def partial(f: CaseFigures) -> dict[str, int]:
    return {"received": 1, **f.flags, "cycle_total": f.cycle_days or 0, "cycle_count": int(f.cycle_days is not None)}


def statistics(views: Iterable[CaseView], by: Sequence[str]) -> dict[tuple[str, ...], Counts]:
    """Counts per group; `by` names one or more DIMENSIONS, e.g. ("quarter", "town"). The raw recount: every
    case replayed (the reference the server's projection is tested against)."""
    check_dimensions(by)
    return summed((tuple(f.keys[d] for d in by), partial(f)) for f in map(figures, views))
