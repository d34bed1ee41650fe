"""差评 statistics: how many ratings and 差评 a period had (voided ratings left out, counted apart), and of
the 差评 how many were verified (回访率) and rectified or explained (整改率), on time or not, and how many
records stand yellow or red today. One function for the server's API and the workstation's screen."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from shared.approval.clocks import Card
from shared.calendar import WorkCalendar
from shared.rating.deadlines import Cards, on_time
from shared.rating.rectification import APPEALED, VOIDED

LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
BAD = frozenset({"dissatisfied", "very_dissatisfied"})


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def rating_statistics(ratings: Iterable[tuple[str, str | None]], records: Iterable[dict], today: dt.date,
                      calendar: WorkCalendar) -> dict:
    """`ratings`: (rating id, level code or None for "not rated") of the period, ticket and case ratings
    alike; `records`: the rectification records of those ratings."""
    records = list(records)
    voided = {r["rating_id"] for r in records if r["status"] == VOIDED}
    levels = Counter(level for rid, level in ratings if rid not in voided)
    live = [r for r in records if r["status"] != VOIDED]
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
