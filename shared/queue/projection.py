"""The queue statistics projection: a day's tickets and ratings reduced to facts per (day, business, window, clerk,
hour) — counts, exact sums and fixed-bucket histograms of the waits and service times — from which the queue
report of any range of days and any grouping is added up without reading a ticket again.

The server's statistics API and the workstation's 统计分析 screen both answer from these facts (the workstation
keeps them per day in its cache), so the two show the same figures. Counts, sums and means are exact (sums are
whole microseconds, the mean divides them as shared/queue/statistics.summarise does); the percentiles (P50, P90)
come from the histograms: BUCKET_S-second buckets, each percentile read as the middle of the bucket holding
its nearest rank (kept within the exact shortest and longest duration), so it is within BUCKET_S / 2 (2.5 s) of
the exact nearest-rank value of the raw durations.
A test recounts the raw rows and holds the two equal (tests/queue/test_stats_projection.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable

from shared.queue import statistics as stats
from shared.queue.ratings import Rating, RatingLevel
from shared.queue.report import key_text, seconds
from shared.queue.tickets import Ticket, TicketState
from shared.queue.timing import first_wait, service_time

BUCKET_S = 5                      # histogram bucket width in seconds
FORMAT = f"q3-b{BUCKET_S}"        # changes when the facts' shape or bucket width does: stored facts are rebuilt
_US = dt.timedelta(microseconds=1)
_BUCKET_US = BUCKET_S * 1_000_000
# the cell key's fields, in order; a GroupBy reads one of them
_FIELDS = {stats.GroupBy.DAY: 0, stats.GroupBy.BUSINESS: 1, stats.GroupBy.WINDOW: 2, stats.GroupBy.CLERK: 3,
           stats.GroupBy.HOUR: 4}
_BAD = frozenset(level.value for level in RatingLevel if level.is_bad)


class Durations:
    """Count, exact sum, shortest and longest (µs) and histogram (bucket index → count) of some durations."""

    __slots__ = ("count", "total_us", "low_us", "high_us", "buckets")

    def __init__(self, count: int = 0, total_us: int = 0, low_us: int | None = None, high_us: int | None = None,
                 buckets: dict[int, int] | None = None) -> None:
        self.count, self.total_us, self.low_us, self.high_us = count, total_us, low_us, high_us
        self.buckets = buckets if buckets is not None else {}

    def add(self, value: dt.timedelta) -> None:
        us = value // _US
        self.count += 1
        self.total_us += us
        self.low_us = us if self.low_us is None else min(self.low_us, us)
        self.high_us = us if self.high_us is None else max(self.high_us, us)
        index = us // _BUCKET_US
        self.buckets[index] = self.buckets.get(index, 0) + 1

    def merge(self, other: Durations) -> None:
        if not other.count:
            return
        self.count += other.count
        self.total_us += other.total_us
        self.low_us = other.low_us if self.low_us is None else min(self.low_us, other.low_us)
        self.high_us = other.high_us if self.high_us is None else max(self.high_us, other.high_us)
        for index, n in other.buckets.items():
            self.buckets[index] = self.buckets.get(index, 0) + n

    def percentile(self, share: float) -> dt.timedelta | None:
        """Nearest rank (the smallest value with at least `share` of them at or below it), as a bucket's middle."""
        if not self.count:
            return None
        rank, seen = math.ceil(share * self.count), 0
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if seen >= rank:
                middle = index * _BUCKET_US + _BUCKET_US // 2
                return dt.timedelta(microseconds=min(max(middle, self.low_us), self.high_us))
        raise AssertionError("histogram holds fewer durations than its count")

    def json(self) -> dict:
        mean = dt.timedelta(microseconds=self.total_us) / self.count if self.count else None
        return {"count": self.count, "mean_s": seconds(mean), "p50_s": seconds(self.percentile(0.5)),
                "p90_s": seconds(self.percentile(0.9))}

    def dump(self) -> list:
        return [self.count, self.total_us, self.low_us, self.high_us, {str(k): v for k, v in self.buckets.items()}]

    @classmethod
    def load(cls, data: list) -> Durations:
        return cls(data[0], data[1], data[2], data[3], {int(k): v for k, v in data[4].items()})


class Cell:
    """The tickets of one (day, business, window, clerk, hour of issue)."""

    __slots__ = ("issued", "outcomes", "no_shows", "waiting", "service")

    def __init__(self) -> None:
        self.issued, self.no_shows = 0, 0
        self.outcomes: dict[str, int] = {}          # "channel/outcome" → count
        self.waiting, self.service = Durations(), Durations()

    def add(self, ticket: Ticket, unserved: frozenset[str]) -> None:
        self.count(*_counted(ticket, unserved))

    def count(self, outcome: str, no_show: bool, wait: dt.timedelta | None, served: dt.timedelta | None) -> None:
        self.issued += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.no_shows += no_show
        if wait is not None:
            self.waiting.add(wait)
        if served is not None:
            self.service.add(served)

    def merge(self, other: Cell) -> None:
        self.issued += other.issued
        self.no_shows += other.no_shows
        for key, n in other.outcomes.items():
            self.outcomes[key] = self.outcomes.get(key, 0) + n
        self.waiting.merge(other.waiting)
        self.service.merge(other.service)

    def json(self) -> dict:
        """What shared/queue/report.tickets_json answers for the same tickets."""
        by_channel: dict[str, int] = {}
        by_outcome: dict[str, int] = {}
        for key, n in self.outcomes.items():
            channel, outcome = key.split("/", 1)
            by_channel[channel] = by_channel.get(channel, 0) + n
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        return {"issued": self.issued, "by_channel": by_channel, "by_outcome": by_outcome,
                "by_channel_and_outcome": dict(sorted(self.outcomes.items())), "no_shows": self.no_shows,
                "closed_unserved": by_outcome.get("closed_unserved", 0), "waiting": self.waiting.json(),
                "service": self.service.json()}

    def dump(self) -> dict:
        return {"issued": self.issued, "outcomes": self.outcomes, "no_shows": self.no_shows,
                "waiting": self.waiting.dump(), "service": self.service.dump()}

    @classmethod
    def load(cls, data: dict) -> Cell:
        cell = cls()
        cell.issued, cell.no_shows, cell.outcomes = data["issued"], data["no_shows"], dict(data["outcomes"])
        cell.waiting, cell.service = Durations.load(data["waiting"]), Durations.load(data["service"])
        return cell


def _counted(t: Ticket, unserved: frozenset[str]) -> tuple:
    """What a cell counts of a ticket: its "channel/outcome", whether it was a no-show, its wait and service."""
    return (f"{t.channel.value}/{stats.outcome(t, unserved)}", t.state is TicketState.NO_SHOW, first_wait(t),
            service_time(t))


def _ticket_key(t: Ticket) -> tuple:
    wall = t.issued_wall
    return (wall.date().isoformat(), t.business_id, t.window_id, t.clerk_id, wall.hour)


def _rating_key(r: Rating) -> tuple:
    end = r.visit.finished_at
    return (end.date().isoformat(), r.visit.business_id, r.visit.window_id, r.visit.clerk_id, end.hour)


def facts(tickets: Iterable[Ticket], ratings: Iterable[Rating], unserved: frozenset[str]) -> dict:
    """Some tickets (a day's, as stored) and their ratings as JSON-ready facts:
    - "tickets": [[day, business, window, clerk, hour, cell]] and "ratings": [[day, business, window, clerk,
      hour, {level code: count}]] (a rating keyed as shared/queue/statistics groups it: the day and hour its
      visit ended) — the projection itself;
    - "by": for each grouping, the same cells added up per group ({grouping: {"tickets": [[key, cell]],
      "ratings": [[key, counts]]}}) and "total": what a report of many days adds up without merging every
      cell of the cross product again."""
    cells: dict[tuple, Cell] = {}
    total = Cell()
    groups: list[dict[Hashable, Cell]] = [{} for _ in _FIELDS]
    for ticket in tickets:
        key, counted = _ticket_key(ticket), _counted(ticket, unserved)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell()
        cell.count(*counted)
        total.count(*counted)
        for field, group in enumerate(groups):  # each grouping's cell counts the ticket too
            marginal = group.get(key[field])
            if marginal is None:
                marginal = group[key[field]] = Cell()
            marginal.count(*counted)
    rated: dict[tuple, dict[str, int]] = {}
    for rating in ratings:
        counts = rated.setdefault(_rating_key(rating), {})
        counts[rating.code] = counts.get(rating.code, 0) + 1
    by = {}
    for grouping, field in _FIELDS.items():
        counted_ratings: dict[Hashable, dict[str, int]] = {}
        for key, counts in rated.items():
            _add(counted_ratings.setdefault(key[field], {}), counts)
        by[grouping.value] = {"tickets": [[k, c.dump()] for k, c in groups[field].items()],
                              "ratings": [[k, n] for k, n in counted_ratings.items()]}
    return {"format": FORMAT, "tickets": [[*k, c.dump()] for k, c in cells.items()],
            "ratings": [[*k, n] for k, n in rated.items()], "by": by, "total": total.dump()}


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for code, n in counts.items():
        into[code] = into.get(code, 0) + n


def report(days: Iterable[dict], by: stats.GroupBy) -> dict:
    """shared/queue/report.report's answer, added up from facts (of any days, each taken once)."""
    total, groups = Cell(), {}
    rated_total: dict[str, int] = {}
    rated: dict[Hashable, dict[str, int]] = {}
    for day in days:
        if day.get("format") != FORMAT:
            raise ValueError(f"queue statistics facts of format {day.get('format')!r}, expected {FORMAT!r}")
        total.merge(Cell.load(day["total"]))
        part = day["by"][by.value]
        for key, dump in part["tickets"]:
            cell = Cell.load(dump)
            group = groups.get(key)
            if group is None:
                groups[key] = cell
            else:
                group.merge(cell)
        for key, counts in part["ratings"]:
            _add(rated.setdefault(key, {}), counts)
            _add(rated_total, counts)
    out = {key_text(k): cell.json() for k, cell in groups.items()}
    for key, counts in rated.items():
        out.setdefault(key_text(key), Cell().json())["ratings"] = _distribution(counts)
    for group in out.values():
        group.setdefault("ratings", _distribution({}))
    return {"totals": {**total.json(), "ratings": _distribution(rated_total),
                       "bad_ratings": sum(n for code, n in rated_total.items() if code in _BAD)},
            "groups": dict(sorted(out.items()))}


def _distribution(counts: dict[str, int]) -> dict[str, int]:
    return {code: counts.get(code, 0) for code in stats.RATING_CODES}
