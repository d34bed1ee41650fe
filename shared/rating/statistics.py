"""差评 statistics: how many ratings and 差评 a period had (voided ratings left out, counted apart), and of
the 差评 how many were verified (回访率) and rectified or explained (整改率), on time or not, and how many
records stand yellow or red today. One function for the server's API and the workstation's screen."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shared.approval.clocks import Card
from shared.calendar import WorkCalendar
from shared.rating.deadlines import Cards, on_time
from shared.rating.rectification import APPEALED
from shared.rating.voiding import is_voided, voided_ratings

LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
BAD = frozenset({"dissatisfied", "very_dissatisfied"})


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def rating_statistics(ratings: Iterable[tuple[str, str | None]], records: Iterable[dict], today: dt.date,
                      calendar: WorkCalendar) -> dict:
    """`ratings`: (rating id, level code or None for "not rated") of the period, ticket and case ratings
    alike; `records`: the rectification records of those ratings."""
    records = list(records)
    voided = voided_ratings(records)
    levels = Counter(level for rid, level in ratings if rid not in voided)
    live = [r for r in records if not is_voided(r)]
    bad = sum(levels[level] for level in BAD)
    verified = [r for r in live if r["verification"] is not None]
    rectified = [r for r in live if r["rectification"] is not None]
    card_of = Cards(today, calendar)
    cards = Counter(card_of(r).card for r in live)
    return {
        "rated": sum(levels[level] for level in LEVELS), "not_rated": levels[None],
        "levels": {level: levels[level] for level in LEVELS},
        "bad": bad, "voided": len(voided),
        "verified": len(verified), "verified_on_time": sum(1 for r in verified if on_time(r, "verification")),
        "rectified": len(rectified),
        "rectified_on_time": sum(1 for r in rectified if on_time(r, "rectification")),
        "fed_back": sum(1 for r in live if r["feedback"] is not None),
        "appeals_pending": sum(1 for r in records if r["status"] == APPEALED),
        "yellow": cards[Card.YELLOW], "red": cards[Card.RED],
        "verification_rate": _rate(len(verified), bad),   # 回访率
        "rectification_rate": _rate(len(rectified), bad),  # 整改率
    }


# 差评 statistics by group, ticket and case ratings alike (一事一评 counted with the visits):
#   department: the department of the business served (a ticket) or of the item applied for (a case);
#   business:   what was rated — "ticket:<business id>" or "case:<item code>";
#   source:     "ticket" or "case".
GROUPINGS = ("department", "business", "source")


@dataclass(frozen=True)
class Rated:
    """One rating with what it is grouped by (the server reads these from its tables, a workstation from its
    synced rows and reference data)."""
    rating_id: str
    level: str | None
    source: str              # ticket / case
    subject: str             # the business id (a ticket) or the item code (a case)
    department_id: int | None


def group_of(by: str, rated: Rated) -> str:
    if by == "department":
        return "none" if rated.department_id is None else str(rated.department_id)
    if by == "business":
        return f"{rated.source}:{rated.subject}"
    if by == "source":
        return rated.source
    raise ValueError(f"unknown grouping {by!r}; one of {GROUPINGS}")


def rating_statistics_by(by: str, ratings: Iterable[Rated], records: Iterable[dict], today: dt.date,
                         calendar: WorkCalendar) -> dict[str, dict]:
    """rating_statistics for each group of `ratings` (with the records of that group's ratings)."""
    groups: dict[str, list[Rated]] = defaultdict(list)
    for rated in ratings:
        groups[group_of(by, rated)].append(rated)
    of_rating = {r["rating_id"]: r for r in records}
    return {key: rating_statistics([(r.rating_id, r.level) for r in group],
                                   [of_rating[r.rating_id] for r in group if r.rating_id in of_rating],
                                   today, calendar)
            for key, group in sorted(groups.items())}
