"""Statistics over tickets, their periods and ratings, per day / business / window / clerk.

Pure functions: the server's reports, a client's offline dashboard and the simulation share them.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from shared.queue.config import Quota
from shared.queue.issuance import IssuedCounts
from shared.queue.ratings import Rating, RatingLevel
from shared.queue.tickets import Ticket, TicketState
from shared.queue.timing import first_wait, service_time


class GroupBy(enum.Enum):
    DAY = "day"
    BUSINESS = "business"
    WINDOW = "window"
    CLERK = "clerk"
    HOUR = "hour"       # hour of the day the ticket was issued (a rating: the hour its visit ended)


_TICKET_KEYS: dict[GroupBy, Callable[[Ticket], Hashable]] = {
    GroupBy.DAY: lambda t: t.issued_wall.date(),
    GroupBy.BUSINESS: lambda t: t.business_id,
    GroupBy.WINDOW: lambda t: t.window_id,     # None: never reached a window
    GroupBy.CLERK: lambda t: t.clerk_id,
    GroupBy.HOUR: lambda t: t.issued_wall.hour,
}
_RATING_KEYS: dict[GroupBy, Callable[[Rating], Hashable]] = {
    GroupBy.DAY: lambda r: r.visit.finished_at.date(),
    GroupBy.BUSINESS: lambda r: r.visit.business_id,
    GroupBy.WINDOW: lambda r: r.visit.window_id,
    GroupBy.CLERK: lambda r: r.visit.clerk_id,
    GroupBy.HOUR: lambda r: r.visit.finished_at.hour,
}


def ticket_key(by: GroupBy, ticket: Ticket) -> Hashable:
    """The group a ticket counts in (drill-down from a group to its tickets)."""
    return _TICKET_KEYS[by](ticket)


def rating_key(by: GroupBy, rating: Rating) -> Hashable:
    return _RATING_KEYS[by](rating)


@dataclass(frozen=True)
class DurationSummary:
    count: int
    mean: dt.timedelta | None
    p90: dt.timedelta | None
    p50: dt.timedelta | None = None


def summarise(durations: Sequence[dt.timedelta]) -> DurationSummary:
    """Mean, 90th and 50th percentile (nearest rank: the smallest value with at least 90 % / half of them at or
    below it)."""
    if not durations:
        return DurationSummary(0, None, None)
    ordered = sorted(durations)
    return DurationSummary(len(ordered), sum(ordered, dt.timedelta(0)) / len(ordered),
                           ordered[math.ceil(0.9 * len(ordered)) - 1], ordered[math.ceil(0.5 * len(ordered)) - 1])


@dataclass(frozen=True)
class TicketStats:
    issued: int
    by_channel: dict[str, int]
    by_outcome: dict[str, int]       # finished / no_show / cancelled / closed_unserved / still open states
    by_channel_and_outcome: dict[tuple[str, str], int]
    no_shows: int
    waiting: DurationSummary         # issue → first call, tickets that were called
    service: DurationSummary         # serving time of finished tickets
    closed_unserved: int = 0         # ended by the close-of-day sweep without being served


def outcome(ticket: Ticket, closed_unserved: frozenset[str] = frozenset()) -> str:
    """A ticket's outcome code: its state, except that a ticket the close-of-day sweep ended unserved counts
    as `closed_unserved`, not as a citizen's cancellation."""
    return "closed_unserved" if ticket.id in closed_unserved else ticket.state.value


def ticket_stats(tickets: Iterable[Ticket], closed_unserved: frozenset[str] = frozenset()) -> TicketStats:
    items = list(tickets)
    waits = [w for w in (first_wait(t) for t in items) if w is not None]
    services = [s for s in (service_time(t) for t in items) if s is not None]
    outcomes = [outcome(t, closed_unserved) for t in items]
    return TicketStats(
        issued=len(items),
        by_channel=dict(Counter(t.channel.value for t in items)),
        by_outcome=dict(Counter(outcomes)),
        by_channel_and_outcome=dict(Counter((t.channel.value, o) for t, o in zip(items, outcomes))),
        no_shows=sum(1 for t in items if t.state is TicketState.NO_SHOW),
        waiting=summarise(waits),
        service=summarise(services),
        closed_unserved=outcomes.count("closed_unserved"),
    )


def ticket_stats_by(tickets: Iterable[Ticket], by: GroupBy,
                    closed_unserved: frozenset[str] = frozenset()) -> dict[Hashable, TicketStats]:
    groups: dict[Hashable, list[Ticket]] = {}
    for ticket in tickets:
        groups.setdefault(_TICKET_KEYS[by](ticket), []).append(ticket)
    return {key: ticket_stats(group, closed_unserved) for key, group in groups.items()}


@dataclass(frozen=True)
class QuotaUse:
    issued: int
    limit: int | None       # None: unlimited
    share: float | None     # issued / limit


def quota_use(quota: Quota | None, counts: IssuedCounts) -> QuotaUse:
    limit = quota.daily_limit if quota is not None else None
    if limit is None and quota is not None and quota.am_limit is not None and quota.pm_limit is not None:
        limit = quota.am_limit + quota.pm_limit
    share = counts.day / limit if limit else None
    return QuotaUse(counts.day, limit, share)


RATING_CODES = tuple(level.value for level in RatingLevel) + ("not_rated",)


def ratings_distribution(ratings: Iterable[Rating]) -> dict[str, int]:
    """Count per level code, every code present (zeros included), plus "not_rated"."""
    counts = Counter(r.code for r in ratings)
    return {code: counts.get(code, 0) for code in RATING_CODES}


def bad_ratings(ratings: Iterable[Rating]) -> int:
    return sum(1 for r in ratings if r.is_bad)


def ratings_distribution_by(ratings: Iterable[Rating], by: GroupBy) -> dict[Hashable, dict[str, int]]:
    groups: dict[Hashable, list[Rating]] = {}
    for rating in ratings:
        groups.setdefault(_RATING_KEYS[by](rating), []).append(rating)
    return {key: ratings_distribution(group) for key, group in groups.items()}
