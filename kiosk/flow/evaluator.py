"""The evaluator journey at one window: show the clerk and the ticket being served; when service finishes (the
ticket turns `finished`, or the keypad's evaluation key) ask for one of five levels; a 差评 needs a reason;
thank the citizen; a timeout records "not rated". Each visit is rated at most once.

一事一评: when the window's clerk has finished (办结) a case for the citizen at the counter, the server's ask row
names it (CaseAsk); the same five levels and reasons are asked about the case, and the choice is sent as the
case's rating (RateCase). A timeout records nothing for a case (a case has no "not rated"): the ask stays
open and is shown again, after a rest of `reask_seconds` on the clerk card, whenever the evaluator is idle —
or at once on the keypad's evaluation key — until it is rated, a newer ask replaces it, or it lapses
(`ask_in_force`: the clerk has called the next citizen to the window, or the ask's day is over)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.queue.ratings import RatingLevel


class Step(enum.Enum):
    IDLE = "idle"          # clerk card and the ticket being served
    ASK = "ask"            # five levels
    REASON = "reason"      # 差评: why
    THANKS = "thanks"


@dataclass(frozen=True)
class Visit:
    ticket_id: str
    display: str
    clerk: str             # staff username
    state: str             # queue_ticket state


@dataclass(frozen=True)
class CaseAsk:
    """The case the window's clerk asked this evaluator to have rated (shared.protocol.rating.case_ask_row)."""
    ask_id: str
    case_id: str
    reference: str         # the case number's tail, no personal data
    item_name: str


@dataclass(frozen=True)
class RateCase:
    """Send `rating.rate_case` for the asked case."""
    ask: CaseAsk
    level: RatingLevel
    reason: str


@dataclass(frozen=True)
class Rate:
    """Send `queue.rate`; level None = not rated."""
    visit: Visit
    level: RatingLevel | None
    reason: str = ""


# The reasons offered for a 差评 (the citizen may also pick 其他).
BAD_REASONS = ("等候时间太长", "工作人员态度不好", "办事流程繁琐", "一次告知不清楚", "材料要求不合理", "其他")


def ask_in_force(asked_at: dt.datetime, now: dt.datetime, calls: Iterable[dt.datetime]) -> bool:
    """Whether a case ask still stands for the citizen at the counter: the same hall day (times in the hall's
    zone) and no citizen called to the window since (`calls`: when each of the window's tickets was first
    called there; a recall of the citizen already there is not a new call)."""
    if asked_at.astimezone(now.tzinfo).date() != now.date():
        return False
    return not any(at > asked_at for at in calls)


@dataclass
class EvaluatorFlow:
    ask_seconds: int = 60          # RatingRules.timeout_seconds
    thanks_seconds: int = 5
    reask_seconds: int = 60        # a case ask left unanswered is shown again after this rest
    step: Step = Step.IDLE
    serving: Visit | None = None   # the visit at the window now (or the one being rated)
    level: RatingLevel | None = None
    done: set[str] = field(default_factory=set)
    case: CaseAsk | None = None    # the case being rated (一事一评), instead of a visit
    pending: CaseAsk | None = None  # a case ask that timed out unanswered, still in force
    rested_from: dt.datetime | None = None  # when it timed out

    def timeout(self) -> int | None:
        return {Step.IDLE: None, Step.ASK: self.ask_seconds, Step.REASON: self.ask_seconds,
                Step.THANKS: self.thanks_seconds}[self.step]

    def observe(self, visit: Visit | None) -> list:
        """The window's ticket as the synced rows say. A served ticket that turned finished is rated."""
        if self.step is not Step.IDLE:
            return []
        if visit is not None and visit.state == "finished" and visit.ticket_id not in self.done:
            self.serving = visit
            return self._ask()
        if visit is None or visit.state != "finished":
            self.serving = visit
        return []

    def observe_case(self, ask: CaseAsk | None, now: dt.datetime) -> list:
        """The case asked at this window (the synced ask row, while open and in force: the caller leaves out a
        lapsed one): asked until rated; one that timed out is asked again `reask_seconds` after."""
        if ask is None or ask.ask_id in self.done:
            self.pending = None if self.step is Step.IDLE else self.pending
            return []
        if self.step is not Step.IDLE:
            return []
        if self.pending is not None and self.pending.ask_id == ask.ask_id and (
                self.rested_from is None or now - self.rested_from < dt.timedelta(seconds=self.reask_seconds)):
            return []
        self.case, self.pending = ask, None
        return self._ask()

    def evaluation_key(self) -> list:
        """The clerk pressed 评价 on the keypad: ask about the case left unanswered (the citizen is back),
        else about the visit at the window now."""
        if self.step is not Step.IDLE:
            return []
        if self.pending is not None:
            self.case, self.pending = self.pending, None
            return self._ask()
        if self.serving is not None and self.serving.ticket_id not in self.done:
            return self._ask()
        return []

    def _ask(self) -> list:
        self.step, self.level = Step.ASK, None
        return []

    def choose(self, level: RatingLevel) -> list:
        if self.step is not Step.ASK or (self.serving is None and self.case is None):
            return []
        if level.is_bad:
            self.level, self.step = level, Step.REASON
            return []
        return self._finish(level, "")

    def reason(self, text: str) -> list:
        if self.step is not Step.REASON or self.level is None or not text.strip():
            return []
        return self._finish(self.level, text.strip())

    def _finish(self, level: RatingLevel | None, reason: str) -> list:
        if self.case is not None:
            ask = self.case
            self.done.add(ask.ask_id)
            self.step, self.level = Step.THANKS, level
            return [RateCase(ask, level, reason)] if level is not None else []
        assert self.serving is not None
        visit = self.serving
        self.done.add(visit.ticket_id)
        self.step, self.level = Step.THANKS, level
        return [Rate(visit, level, reason)]

    def idle(self, now: dt.datetime | None = None) -> list:
        """The screen's countdown ran out (`now`: the hall clock). A case ask is kept to be asked again."""
        if self.step in (Step.ASK, Step.REASON) and self.case is not None:
            self.pending, self.rested_from = self.case, now
            self.step, self.case, self.level = Step.IDLE, None, None
            return []
        if self.step in (Step.ASK, Step.REASON) and self.serving is not None:
            actions = self._finish(None, "")
            self.step, self.case = Step.IDLE, None
            return actions
        if self.step is Step.THANKS:
            self.step, self.case = Step.IDLE, None
        return []
