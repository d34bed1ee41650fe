"""The case aggregate: a fold of the case's events. Nothing here is stored on its own; replaying the events
always gives the same state (so the server, an offline client and a simulation agree)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from shared.approval.commands import CorrectionItem
from shared.approval.events import Actor, Event
from shared.approval.lifecycle import Action, CaseStatus

SPECIAL = "special_procedure"
CORRECTION = "correction"


@dataclass(frozen=True)
class StepVisit:
    step: str
    entered_on: dt.date
    left_on: dt.date | None = None
    outcome: str | None = None  # the action that ended the visit


@dataclass(frozen=True)
class Opinion:
    seq: int
    step: str | None
    action: Action
    actor: Actor
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class Stop:
    """An interval in which a clock may stand still: an Art. 45 special procedure, or waiting for the
    applicant's corrections (whether that stops the statutory clock is the definition's choice)."""
    kind: str
    started_on: dt.date
    ended_on: dt.date | None = None
    category: str = ""
    expected_days: int = 0
    step: str | None = None
    before_acceptance: bool = False


@dataclass(frozen=True)
class Supervision:
    supervision_id: str
    opened_on: dt.date
    by: Actor
    message: str
    reply_within_days: int
    steps: tuple[str, ...]
    reply: str = ""
    replied_on: dt.date | None = None
    replied_by: Actor | None = None

    @property
    def is_open(self) -> bool:
        return self.replied_on is None


@dataclass(frozen=True)
class Urging:
    seq: int
    on: dt.date
    by: Actor
    message: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    """送达 of one notice (the payload of a serve_notice event)."""
    seq: int
    notice: str
    method: str
    served_on: dt.date


@dataclass(frozen=True)
class CaseState:
    case_id: str
    version: int
    status: CaseStatus
    item_code: str
    situation_code: str
    definition_version: int
    received_on: dt.date
    window_start: dt.date               # last day materials came in: Art. 32's 5 days run from here
    channel: str = ""
    town: str = ""
    department: str = ""
    materials: frozenset[str] = frozenset()
    correction_requests: tuple[tuple[CorrectionItem, ...], ...] = ()
    correction_requested_in_window: bool = False  # a correction request was made in the current window
    accepted_on: dt.date | None = None
    deemed_art32: bool = False
    current_steps: tuple[str, ...] = ()
    visits: tuple[StepVisit, ...] = ()
    opinions: tuple[Opinion, ...] = ()
    stops: tuple[Stop, ...] = ()
    extension_days: int = 0
    decided_on: dt.date | None = None
    decision: str | None = None          # "granted" / "refused"
    licence_no: str = ""
    issued_on: dt.date | None = None
    closed_on: dt.date | None = None
    delivered_on: dt.date | None = None
    services: tuple[Service, ...] = ()
    ended_on: dt.date | None = None      # not accepted, withdrawn or terminated
    urgent: bool = False
    urgings: tuple[Urging, ...] = ()
    supervisions: tuple[Supervision, ...] = ()
    last_actor: Actor | None = None
    last_at: dt.datetime | None = None

    @property
    def open_stop(self) -> Stop | None:
        return next((s for s in self.stops if s.ended_on is None), None)

    @property
    def open_supervisions(self) -> tuple[Supervision, ...]:
        return tuple(s for s in self.supervisions if s.is_open)

    def served_on(self, notice: str) -> dt.date | None:
        """The first day the notice was served, if it was."""
        return min((x.served_on for x in self.services if x.notice == notice), default=None)

    @property
    def decision_served_on(self) -> dt.date | None:
        """送达 of the decision (Art. 44): its notice served, or the licence handed over or posted (出件)."""
        days = [d for d in (self.served_on("grant"), self.served_on("refusal"), self.delivered_on) if d]
        return min(days, default=None)

    def opinions_before(self, seq: int | None = None) -> tuple[Opinion, ...]:
        """The opinions of earlier steps that travel with the case (all of them when seq is None)."""
        return tuple(o for o in self.opinions if seq is None or o.seq < seq)


def replay(events: Iterable[Event]) -> CaseState | None:
    state: CaseState | None = None
    for event in events:
        state = evolve(state, event)
    return state


def evolve(state: CaseState | None, e: Event) -> CaseState:
    """Apply one event. Events are facts: this never refuses one (the decider already did its checks)."""
    p = e.payload
    if e.action is Action.RECEIVE:
        state = CaseState(case_id=e.case_id, version=0, status=e.status_after, item_code=p["item_code"],
                          situation_code=p["situation_code"], definition_version=p["definition_version"],
                          received_on=e.day, window_start=e.day, channel=p.get("channel", ""),
                          town=p.get("town", ""), department=p.get("department", ""))
    assert state is not None, "the first event of a case must be receive"
    s = _common(state, e)
    return _SPECIFIC.get(e.action, lambda s, e: s)(s, e)


def _common(s: CaseState, e: Event) -> CaseState:
    before, after = set(s.current_steps), set(e.steps_after)
    visits = tuple(replace(v, left_on=e.day, outcome=e.action.value)
                   if v.left_on is None and v.step in before - after else v for v in s.visits)
    visits += tuple(StepVisit(step, e.day) for step in e.steps_after if step not in before)
    opinions = s.opinions
    if e.opinion:
        opinions += (Opinion(e.seq, e.payload.get("step"), e.action, e.actor, e.at, e.opinion),)
    materials = s.materials | frozenset(e.payload.get("materials", ()))
    return replace(s, version=e.seq, status=e.status_after, current_steps=e.steps_after, visits=visits,
                   opinions=opinions, materials=materials, last_actor=e.actor, last_at=e.at)


def _close_stop(s: CaseState, kind: str, day: dt.date) -> tuple[Stop, ...]:
    return tuple(replace(x, ended_on=day) if x.kind == kind and x.ended_on is None else x for x in s.stops)


def _request_correction(s: CaseState, e: Event) -> CaseState:
    items = tuple(CorrectionItem(m, p) for m, p in e.payload["items"])
    intake = e.status_before is not CaseStatus.IN_REVIEW
    # Waiting for the applicant is recorded as a stop; clocks.py decides which clocks it stops.
    stop = Stop(CORRECTION, e.day, step=e.payload.get("step"), before_acceptance=intake)
    return replace(s, correction_requests=s.correction_requests + (items,), stops=s.stops + (stop,),
                   correction_requested_in_window=s.correction_requested_in_window or intake)


def _receive_correction(s: CaseState, e: Event) -> CaseState:
    s = replace(s, stops=_close_stop(s, CORRECTION, e.day))
    if e.status_after is CaseStatus.IN_REVIEW:
        return s
    return replace(s, window_start=e.day, correction_requested_in_window=False)


def _accept(s: CaseState, e: Event) -> CaseState:
    return replace(s, accepted_on=dt.date.fromisoformat(e.payload["accepted_on"]),
                   deemed_art32=bool(e.payload.get("deemed_art32")))


def _start_special(s: CaseState, e: Event) -> CaseState:
    stop = Stop(SPECIAL, e.day, category=e.payload["category"], expected_days=e.payload["expected_days"],
                step=e.payload.get("step"))
    return replace(s, stops=s.stops + (stop,))


def _decide(s: CaseState, e: Event) -> CaseState:
    return replace(s, decided_on=e.day, decision="granted" if e.action is Action.GRANT else "refused")


def _supervise(s: CaseState, e: Event) -> CaseState:
    sup = Supervision(e.payload["supervision_id"], e.day, e.actor, e.payload["message"],
                      e.payload["reply_within_days"], tuple(e.payload["steps"]))
    return replace(s, supervisions=s.supervisions + (sup,))


def _reply(s: CaseState, e: Event) -> CaseState:
    sid = e.payload["supervision_id"]
    def answered(x: Supervision) -> Supervision:
        return replace(x, reply=e.payload["reply"], replied_on=e.day, replied_by=e.actor)
    return replace(s, supervisions=tuple(answered(x) if x.supervision_id == sid else x for x in s.supervisions))


def _ended(s: CaseState, e: Event) -> CaseState:
    return replace(s, ended_on=e.day, stops=tuple(replace(x, ended_on=e.day) if x.ended_on is None else x
                                                  for x in s.stops))


_SPECIFIC = {
    Action.REQUEST_CORRECTION: _request_correction,
    Action.RECEIVE_CORRECTION: _receive_correction,
    Action.ACCEPT: _accept,
    Action.DEEMED_ACCEPTED_ART32: _accept,
    Action.START_SPECIAL_PROCEDURE: _start_special,
    Action.END_SPECIAL_PROCEDURE: lambda s, e: replace(s, stops=_close_stop(s, SPECIAL, e.day)),
    Action.EXTEND: lambda s, e: replace(s, extension_days=s.extension_days + e.payload["days"]),
    Action.GRANT: _decide,
    Action.REFUSE: _decide,
    Action.MAKE_LICENCE: lambda s, e: replace(s, licence_no=e.payload["licence_no"]),
    Action.ISSUE_LICENCE: lambda s, e: replace(s, issued_on=e.day),
    Action.CLOSE: lambda s, e: replace(s, closed_on=e.day),
    Action.DELIVER: lambda s, e: replace(s, delivered_on=e.day),
    Action.SERVE_NOTICE: lambda s, e: replace(s, services=s.services + (Service(
        e.seq, e.payload["notice"], e.payload["method"], dt.date.fromisoformat(e.payload["served_on"])),)),
    Action.REJECT_APPLICATION: _ended,
    Action.WITHDRAW: _ended,
    Action.TERMINATE: _ended,
    Action.URGE: lambda s, e: replace(s, urgings=s.urgings + (
        Urging(e.seq, e.day, e.actor, e.payload["message"], tuple(e.payload["steps"])),)),
    Action.SUPERVISE: _supervise,
    Action.REPLY_SUPERVISION: _reply,
    Action.MARK_URGENT: lambda s, e: replace(s, urgent=True),
}
