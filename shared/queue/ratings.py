"""好差评: the evaluator's five levels, "not rated" after a timeout, and a rectification record for every
差评 (the two lowest levels), due a number of working days later (国办发〔2019〕51号)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from shared.calendar import WorkCalendar
from shared.queue.clock import require_aware
from shared.queue.errors import RatingRefused
from shared.queue.rules import RatingRules
from shared.queue.tickets import Ticket
from shared.queue.timing import finished_at


class RatingLevel(enum.Enum):
    """Values are the stable codes; `score` 5…1 orders them."""

    VERY_SATISFIED = "very_satisfied"         # 非常满意
    SATISFIED = "satisfied"                   # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"             # 不满意
    VERY_DISSATISFIED = "very_dissatisfied"   # 非常不满意

    @property
    def score(self) -> int:
        return {"very_satisfied": 5, "satisfied": 4, "basically_satisfied": 3, "dissatisfied": 2,
                "very_dissatisfied": 1}[self.value]

    @property
    def is_bad(self) -> bool:
        """差评: the two lowest levels."""
        return self.score <= 2


@dataclass(frozen=True)
class Visit:
    """What a rating is bound to: this ticket, served at this window by this clerk."""

    ticket_id: str
    ticket_number: str
    business_id: int
    window_id: int
    clerk_id: str
    finished_at: dt.datetime

    def __post_init__(self) -> None:
        require_aware(self.finished_at, "finished_at")


def visit_of(ticket: Ticket) -> Visit:
    """The visit a finished ticket stands for: what the evaluator at its window asks about."""
    end = finished_at(ticket)
    if end is None or ticket.window_id is None or ticket.clerk_id is None:
        raise RatingRefused("visit_not_rateable", f"ticket {ticket.number} was not served to the end by a "
                            f"known clerk", ticket=ticket.number)
    return Visit(ticket.id, ticket.number, ticket.business_id, ticket.window_id, ticket.clerk_id, end)


@dataclass(frozen=True)
class Rating:
    """`level` None means "not rated" (the evaluator timed out)."""

    visit: Visit
    level: RatingLevel | None
    recorded_at: dt.datetime
    reason: str = ""

    @property
    def is_bad(self) -> bool:
        return self.level is not None and self.level.is_bad

    @property
    def code(self) -> str:
        return self.level.value if self.level is not None else "not_rated"


def rate(visit: Visit, level: RatingLevel, now: dt.datetime, rules: RatingRules, reason: str = "") -> Rating:
    """The citizen rates the visit before the evaluator times out; a 差评 needs a reason."""
    require_aware(now, "now")
    if now < visit.finished_at:
        raise RatingRefused("rating_before_service_end", "the visit has not finished yet",
                            ticket=visit.ticket_number)
    if now > visit.finished_at + rules.timeout:
        raise RatingRefused("rating_timed_out", "the rating period is over; the visit was recorded as not rated",
                            ticket=visit.ticket_number)
    reason = reason.strip()
    if level.is_bad and not reason:
        raise RatingRefused("bad_rating_needs_reason", "a 差评 needs a reason", ticket=visit.ticket_number)
    return Rating(visit, level, now, reason)


def not_rated(visit: Visit, now: dt.datetime, rules: RatingRules) -> Rating:
    """Record "not rated" once the evaluator's timeout has passed."""
    require_aware(now, "now")
    if now <= visit.finished_at + rules.timeout:
        raise RatingRefused("rating_still_open", "the citizen may still rate this visit",
                            ticket=visit.ticket_number)
    return Rating(visit, None, now)


@dataclass(frozen=True)
class Rectification:
    """整改: opened for each 差评, due `rules.rectification_workdays` working days after the rating day."""

    rating: Rating
    opened_on: dt.date
    due_on: dt.date

    @property
    def clerk_id(self) -> str:
        return self.rating.visit.clerk_id

    @property
    def window_id(self) -> int:
        return self.rating.visit.window_id


def open_rectification(rating: Rating, calendar: WorkCalendar, rules: RatingRules) -> Rectification:
    if not rating.is_bad:
        raise RatingRefused("rectification_needs_bad_rating", "only a 差评 opens a rectification",
                            ticket=rating.visit.ticket_number)
    opened = rating.recorded_at.date()
    return Rectification(rating, opened, calendar.add_workdays(opened, rules.rectification_workdays))
