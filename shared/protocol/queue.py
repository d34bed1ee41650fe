"""The queue's wire contract through hall sync: the commands devices send and the rows the server publishes.

Kinds of data (SYNC.md):
- `queue.issue` is a FACT: the citizen already holds the printed ticket, so the server records it even when
  it breaks a rule it could not check offline (quota, one ticket per person); such a ticket is published with
  `flags` (e.g. "over_quota", "duplicate_person") for the supervisor, never refused. It is refused only when
  malformed or when its number lies outside every lease of the sending device (`number_not_leased`).
- Every other queue action is a COMMAND with a deterministic server handler that accepts or rejects it. For
  calls the first claim in server order wins (`ticket_claimed_elsewhere` for the loser, both recorded);
  `queue.start` is always accepted where the citizen actually is, and flagged when it overrides a claim.
- The server publishes rows to the hall scope (`hall:<id>`); devices read them from their cache and write
  optimistic copies (pending) under the same table names and primary keys.

Times: `at` is the device's wall time (aware, ISO 8601); `issued_at` is the hybrid logical clock stamp that
orders the queue (never the printed number).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from shared.protocol.base import Request, Response, sane_date

UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
VERSION = 1

# Args arrive as parsed JSON dicts, so dates and times come as ISO strings: parse those (strict elsewhere).
Day = Annotated[dt.date, Field(strict=False), AfterValidator(sane_date)]
Moment = Annotated[AwareDatetime, Field(strict=False), AfterValidator(sane_date)]  # a time without its offset is refused

Channel = Literal["dispenser", "id_card", "qr", "staff", "remote"]
GreenReason = Literal["elderly", "disabled", "pregnant", "veteran"]
RatingLevel = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
TicketStateName = Literal["waiting", "called", "serving", "held", "finished", "no_show", "cancelled"]
PrintStateName = Literal["printing", "printed", "failed", "kept"]  # shared.queue.printing.PrintState


class IssueTimeWire(Request):
    """shared.queue.clock.IssueTime on the wire."""
    physical_ms: int = Field(ge=0)
    logical: int = Field(ge=0)
    device_id: str = Field(min_length=1, max_length=36)
    device_seq: int = Field(ge=0)


# --- commands (name → args model); all version 1 ------------------------------------------------------------

class IssueArgs(Request):
    """`queue.issue` (dispenser; workstation with clerk role for staff-issued tickets). A fact."""
    ticket_id: str = Field(pattern=UUID)
    business_id: int
    display: str = Field(min_length=2, max_length=20)  # what was printed: "A023", reserve "A905", fallback "A-K2-001"
    number: int | None = Field(default=None, ge=1)  # None only for a device-suffixed fallback number
    block_id: int | None = None  # the lease block the number came from
    day: Day  # hall-local business day of the series
    channel: Channel
    issued_at: IssueTimeWire
    at: Moment
    person_key: str | None = Field(default=None, max_length=64)  # blind index of the resident ID, never the ID
    # 手机号取号: the mobile number sealed under the hall's ticket-phone key (shared/crypto/ticket_phone.py), never
    # in clear; the server keeps it for the near-call SMS.
    phone_sealed: str | None = Field(default=None, max_length=200)
    green_reason: GreenReason | None = None
    appointment_id: str | None = Field(default=None, pattern=UUID)
    # Whether the citizen holds its paper (shared.queue.printing). The dispenser sends "printing" with the number
    # and the outcome later as `queue.print`; `printed` alone is the older form (True: printed, False: kept).
    print_state: PrintStateName | None = None
    printed: bool | None = None

    @model_validator(mode="after")
    def _one_print_state(self) -> "IssueArgs":
        if self.print_state is None and self.printed is None:
            raise ValueError("print_state (or printed) is required")
        return self

    def effective_print_state(self) -> str:
        if self.print_state is not None:
            return self.print_state
        return "printed" if self.printed else "kept"


class PrintArgs(Request):
    """`queue.print` (the device that issued the ticket): what the printer did with a ticket recorded as
    "printing" — printed, failed (nobody holds it: not called), or kept (不打印，记住号码) after a failure."""
    ticket_id: str = Field(pattern=UUID)
    outcome: Literal["printed", "failed", "kept"]
    at: Moment


class TicketActionArgs(Request):
    """`queue.recall`, `queue.start`, `queue.finish`, `queue.hold`, `queue.no_show` (workstation, clerk)."""
    ticket_id: str = Field(pattern=UUID)
    window_id: int
    at: Moment


class CallArgs(Request):
    """`queue.call` (workstation, clerk): claim a ticket for a window. `mode` records how it was chosen;
    `reasons` is the call decision's explanation, kept for the record and the supervisor."""
    call_id: str = Field(pattern=UUID)
    ticket_id: str = Field(pattern=UUID)
    window_id: int
    mode: Literal["next", "specific", "call_back"]
    at: Moment
    reasons: list[dict] = Field(default_factory=list, max_length=10)


class CallNextArgs(Request):
    """`queue.call_next` (workstation, clerk; online only): call the next ticket for the window, chosen by the
    server from its own state with the shared calling rules, so concurrent windows never lose a claim. `at` is
    the call's time on the counter's clock, as for `queue.call`; a request whose HLC stamp is older than 15 s
    when it arrives is refused (`call_next_stale`) — the clerk has meanwhile called from the local view."""
    call_id: str = Field(pattern=UUID)
    window_id: int
    at: Moment


class TransferArgs(Request):
    """`queue.transfer` (workstation, clerk): to another business or a named window (exactly one)."""
    ticket_id: str = Field(pattern=UUID)
    window_id: int
    at: Moment
    to_business_id: int | None = None
    to_window_id: int | None = None


class CancelArgs(Request):
    """`queue.cancel` (dispenser or workstation): the citizen gave up, or a staff correction."""
    ticket_id: str = Field(pattern=UUID)
    at: Moment
    reason: str = Field(default="", max_length=200)


class WindowArgs(Request):
    """`queue.pause` / `queue.resume` (workstation, clerk)."""
    window_id: int
    at: Moment
    reason: str = Field(default="", max_length=200)


class RateArgs(Request):
    """`queue.rate` (evaluator): a rating bound to the visit. A reason is required for 差评; `level` None
    records "not rated" after the timeout."""
    rating_id: str = Field(pattern=UUID)
    ticket_id: str = Field(pattern=UUID)
    window_id: int
    clerk: str = Field(max_length=50)  # staff username of the clerk who served
    level: RatingLevel | None
    reason: str = Field(default="", max_length=500)
    at: Moment


COMMANDS: dict[str, type[Request]] = {
    "queue.issue": IssueArgs,
    "queue.print": PrintArgs,
    "queue.call": CallArgs,
    "queue.call_next": CallNextArgs,
    "queue.recall": TicketActionArgs,
    "queue.start": TicketActionArgs,
    "queue.finish": TicketActionArgs,
    "queue.hold": TicketActionArgs,
    "queue.no_show": TicketActionArgs,
    "queue.transfer": TransferArgs,
    "queue.cancel": CancelArgs,
    "queue.pause": WindowArgs,
    "queue.resume": WindowArgs,
    "queue.rate": RateArgs,
}


# --- rows the server publishes (table name → row model) ------------------------------------------------------

class PeriodRow(Response):
    kind: Literal["waiting", "called", "serving", "held", "transferred"]
    start: dt.datetime
    end: dt.datetime | None = None
    window_id: int | None = None


class TicketRow(Response):
    """Table `queue_ticket`, pk = ticket id."""
    id: str
    hall_id: int
    business_id: int
    display: str
    day: dt.date
    channel: Channel
    priority_class: int  # 1 appointment on time, 2 green channel, 3 normal
    green_reason: GreenReason | None = None
    appointment_id: str | None = None
    person_key: str | None = None
    issued_at: list  # [physical_ms, logical, device_id, device_seq]
    queue_key: list  # same shape: the place in line (kept across transfers unless configured otherwise)
    state: TicketStateName
    window_id: int | None = None
    clerk: str | None = None
    target_window_id: int | None = None
    recalls: int = 0
    transfers: int = 0
    periods: list[PeriodRow]
    printed: bool = True  # print_state == "printed" (kept for readers of the older row)
    print_state: PrintStateName = "printed"
    flags: list[str] = Field(default_factory=list)  # over_quota, duplicate_person, claim_overridden, …


class CallRow(Response):
    """Table `queue_call`, pk = call id: every call and recall, for the hall display and the record. The
    display announces each call row once, in `seq` order."""
    id: str
    hall_id: int
    ticket_id: str
    display: str
    window_id: int
    window_number: int
    kind: Literal["call", "recall", "call_back"]
    at: dt.datetime
    accepted: bool = True  # False: lost to an earlier claim (kept for the record, not announced)


class WindowStateRow(Response):
    """Table `queue_window`, pk = window id: paused or open, and the ticket at the window."""
    window_id: int
    hall_id: int
    paused: bool
    current_ticket_id: str | None = None
    since: dt.datetime | None = None


class RatingRow(Response):
    """Table `queue_rating`, pk = rating id."""
    id: str
    hall_id: int
    ticket_id: str
    window_id: int
    clerk: str
    level: RatingLevel | None
    reason: str = ""
    at: dt.datetime
    rectification_due: dt.date | None = None  # set for 差评


class AppointmentRow(Response):
    """Table `queue_appointment`, pk = appointment id: today's and coming bookings, so a kiosk can match a
    swiped ID card (by `person_key`, the blind index) or a scanned QR code (by `token_key`) while offline.
    States: booked, cancelled, checked_in, late (came after the check-in window: a walk-in), no_show."""
    id: str
    hall_id: int
    business_id: int
    day: dt.date
    slot_start: dt.datetime
    slot_end: dt.datetime
    person_key: str
    masked_id: str
    state: Literal["booked", "cancelled", "checked_in", "late", "no_show"]
    token_key: str | None = None  # blind index of the appointment's QR token (optional addition)
