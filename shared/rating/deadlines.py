"""Which deadline a rectification record is running against today, and its card — by the very rule a case
list uses (shared.approval.clocks.due_card: the same working-day counting and the same card_for), so the
server's list and every workstation's list colour a record alike from the same row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.approval.clocks import Card, DueCard, due_card
from shared.calendar import WorkCalendar
from shared.rating.rectification import APPEALED, FINAL, OPEN, VERIFIED, RECTIFIED

# Yellow from the last working day before a due day: the 1-day 回访 deadline is yellow the day it opens.
MARGIN = 1
STAGE_DUE = {OPEN: ("verification", "verify_due"), VERIFIED: ("rectification", "rectify_due"),
             RECTIFIED: ("feedback", "rectify_due")}


@dataclass(frozen=True)
class RecordCard:
    stage: str | None       # what is awaited: verification / rectification / feedback; None when finished
    due: dt.date | None
    remaining: int | None   # working days left (negative: past due)
    card: Card
    provisional: bool       # a year the calendar does not cover was counted by the weekday rule


def awaited(record: dict) -> tuple[str, dt.date] | None:
    """The stage the record waits for and its due day; an appeal under review keeps its stage's clock
    running (an appeal does not stop the deadline), a finished record waits for nothing."""
    status = record["status"]
    if status in FINAL:
        return None
    if status == APPEALED:
        status = record["appeal"]["from_status"]
    stage, key = STAGE_DUE[status]
    return stage, dt.date.fromisoformat(record[key])


class Cards:
    """Today's card of each record, the walk over the calendar done once per distinct due day (a hall's
    records share few), as the case lists do."""

    def __init__(self, today: dt.date, calendar: WorkCalendar, margin: int = MARGIN) -> None:
        self.today, self.calendar, self.margin = today, calendar, margin
        self._known: dict[dt.date, DueCard] = {}

    def __call__(self, record: dict) -> RecordCard:
        waiting = awaited(record)
        if waiting is None:
            return RecordCard(None, None, None, Card.GREEN, bool(record.get("provisional")))
        stage, due = waiting
        card = self._known.get(due)
        if card is None:
            card = self._known[due] = due_card(due, self.today, self.calendar, self.margin)
        return RecordCard(stage, due, card.remaining, card.card,
                          bool(card.unknown_years) or bool(record.get("provisional")))


def record_card(record: dict, today: dt.date, calendar: WorkCalendar, margin: int = MARGIN) -> RecordCard:
    return Cards(today, calendar, margin)(record)


def on_time(record: dict, stage: str) -> bool | None:
    """Whether a finished stage was done by its due day (None: not done yet)."""
    done = record.get(stage)
    if done is None:
        return None
    due = record["verify_due"] if stage == "verification" else record["rectify_due"]
    return done["on"] <= due
