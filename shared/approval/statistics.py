"""查询统计: counts by year, quarter, month, town, item, channel, department or status, and the average cycle in
working days with stopped time (Art. 45 procedures, corrections) left out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from shared.approval.clocks import Card
from shared.approval.lifecycle import CaseStatus
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
    overdue: int = 0         # 逾期未办结: still open with a red case clock
    cycle_days: tuple[int, ...] = field(default=(), repr=False)

    @property
    def average_cycle_days(self) -> float | None:
        """Acceptance to 办结 in working days, stopped time excluded; None when nothing is closed yet."""
        return sum(self.cycle_days) / len(self.cycle_days) if self.cycle_days else None


def _count(c: Counts, v: CaseView) -> Counts:
    s = v.state
    closed = s.closed_on is not None
    return replace(
        c, received=c.received + 1, accepted=c.accepted + (s.accepted_on is not None),
        not_accepted=c.not_accepted + (s.status is CaseStatus.NOT_ACCEPTED),
        granted=c.granted + (s.decision == "granted"), refused=c.refused + (s.decision == "refused"),
        closed=c.closed + closed, withdrawn=c.withdrawn + (s.status is CaseStatus.WITHDRAWN),
        terminated=c.terminated + (s.status is CaseStatus.TERMINATED),
        in_progress=c.in_progress + v.is_open, overdue=c.overdue + (v.is_open and v.card is Card.RED),
        cycle_days=c.cycle_days + ((v.promised.used,) if closed and v.promised is not None else ()))


def statistics(views: Iterable[CaseView], by: Sequence[str]) -> dict[tuple[str, ...], Counts]:
    """Counts per group; `by` names one or more DIMENSIONS, e.g. ("quarter", "town")."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown statistics dimensions: {unknown}; known: {sorted(DIMENSIONS)}")
    table: dict[tuple[str, ...], Counts] = {}
    for v in views:
        key = tuple(DIMENSIONS[d](v) for d in by)
        table[key] = _count(table.get(key, Counts()), v)
    return dict(sorted(table.items()))
