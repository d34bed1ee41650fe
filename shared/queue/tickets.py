"""Tickets (号票): classes, channels, states and the timed periods each ticket keeps."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from shared.queue.clock import IssueTime, require_aware


class PriorityClass(enum.IntEnum):
    """Lower value = called first inside the fairness rule. Values are stable (shown as "class 1" etc.)."""

    APPOINTMENT = 1     # appointment checked in on time
    GREEN_CHANNEL = 2   # elderly / disabled / pregnant / veteran
    NORMAL = 3          # walk-in

    @property
    def code(self) -> str:
        return {1: "appointment_on_time", 2: "green_channel", 3: "normal"}[self.value]

    @property
    def is_priority(self) -> bool:
        return self is not PriorityClass.NORMAL


class GreenChannelReason(enum.Enum):
    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    VETERAN = "veteran"


class Channel(enum.Enum):
    """How the ticket was taken."""

    DISPENSER = "dispenser"   # tapped on the kiosk
    ID_CARD = "id_card"       # resident ID card swiped
    QR = "qr"                 # 粤省事码 or similar
    STAFF = "staff"           # issued by a clerk
    REMOTE = "remote"         # online check-in near the hall


class TicketState(enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


# States in which a person still "has a ticket" for the one-ticket-per-person rule (and a hall's day is open).
ACTIVE_STATES = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.HELD})
# States a ticket never leaves: served (FINISHED), gone (NO_SHOW) or withdrawn (CANCELLED).
FINAL_STATES = frozenset({TicketState.FINISHED, TicketState.NO_SHOW, TicketState.CANCELLED})
# The same sets as the state names rows and SQL filters carry.
ACTIVE_STATE_NAMES = frozenset(s.value for s in ACTIVE_STATES)
FINAL_STATE_NAMES = frozenset(s.value for s in FINAL_STATES)


class PeriodKind(enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    TRANSFERRED = "transferred"   # waiting again after a transfer to another business or window


@dataclass(frozen=True)
class Period:
    """A stretch of time a ticket spent in one condition; `end` is None while it lasts."""

    kind: PeriodKind
    start: dt.datetime
    end: dt.datetime | None = None
    window_id: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "period start")
        if self.end is not None:
            require_aware(self.end, "period end")
            if self.end < self.start:
                raise ValueError(f"period ends before it starts: {self}")

    def duration(self, now: dt.datetime | None = None) -> dt.timedelta:
        end = self.end if self.end is not None else now
        if end is None:
            raise ValueError("an open period needs `now` to measure it")
        return max(end - self.start, dt.timedelta(0))


@dataclass(frozen=True)
class Ticket:
    """One queue ticket. Immutable: every transition returns a new Ticket (see `lifecycle`).

    `queue_key` is the ticket's place in line: its issue time, kept across transfers unless the rules say a
    transfer goes to the back. `window_id` is the window that called, serves or holds it;
    `target_window_id` restricts calling to one window after a transfer to that window.
    """

    id: str
    number: str
    business_id: int
    issued_at: IssueTime
    priority_class: PriorityClass
    channel: Channel
    state: TicketState
    periods: tuple[Period, ...]
    queue_key: IssueTime
    person_id: str | None = None
    appointment_id: str | None = None
    green_reason: GreenChannelReason | None = None
    window_id: int | None = None
    clerk_id: str | None = None
    target_window_id: int | None = None
    recalls: int = 0
    transfers: int = 0

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("a ticket has at least its first waiting period")
        if (self.priority_class is PriorityClass.GREEN_CHANNEL) != (self.green_reason is not None):
            raise ValueError("a green-channel ticket needs a reason and only it may have one")

    @property
    def issued_wall(self) -> dt.datetime:
        """Hall-local wall time of issue (the start of the first period)."""
        return self.periods[0].start

    @property
    def current_period(self) -> Period | None:
        last = self.periods[-1]
        return last if last.end is None else None
