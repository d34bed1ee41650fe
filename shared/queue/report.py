"""The queue statistics report as JSON-ready data: totals and per-group ticket figures with the ratings
distribution, recounted from the tickets and ratings themselves (hall-local time) with exact percentiles: the
reference that shared/queue/projection (what the server's statistics API and the workstation's statistics
screen answer from) is held to by a differential test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

from shared.queue import statistics as stats
from shared.queue.ratings import Rating
from shared.queue.tickets import Ticket


def seconds(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds(), 1) if value is not None else None


def durations_json(summary: stats.DurationSummary) -> dict:
    return {"count": summary.count, "mean_s": seconds(summary.mean), "p50_s": seconds(summary.p50),
            "p90_s": seconds(summary.p90)}


def tickets_json(s: stats.TicketStats) -> dict:
    return {"issued": s.issued, "by_channel": s.by_channel, "by_outcome": s.by_outcome,
            "by_channel_and_outcome": {f"{c}/{o}": n for (c, o), n in sorted(s.by_channel_and_outcome.items())},
            "no_shows": s.no_shows, "closed_unserved": s.closed_unserved, "waiting": durations_json(s.waiting),
            "service": durations_json(s.service)}


def key_text(value: Hashable) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ("none" if value is None else str(value))


def report(tickets: list[Ticket], ratings: list[Rating], unserved: frozenset[str], by: stats.GroupBy) -> dict:
    """{"totals": …, "groups": {key: …}}: tickets by channel and outcome, waits and service times, no-shows,
    ratings per level (every group has its distribution, zeros included)."""
    groups = {key_text(k): tickets_json(v) for k, v in stats.ticket_stats_by(tickets, by, unserved).items()}
    for key, dist in stats.ratings_distribution_by(ratings, by).items():
        groups.setdefault(key_text(key), tickets_json(stats.ticket_stats([])))["ratings"] = dist
    for group in groups.values():
        group.setdefault("ratings", stats.ratings_distribution([]))
    return {"totals": {**tickets_json(stats.ticket_stats(tickets, unserved)),
                       "ratings": stats.ratings_distribution(ratings),
                       "bad_ratings": stats.bad_ratings(ratings)},
            "groups": dict(sorted(groups.items()))}
