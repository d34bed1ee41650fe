"""The evaluator journey at one window: show the clerk and the ticket being served; when service finishes (the
ticket turns `finished`, or the keypad's evaluation key) ask for one of five levels; a 差评 needs a reason;
thank the citizen; a timeout records "not rated". Each visit is rated at most once.

一事一评: when the window's clerk has finished (办结) a case for the citizen at the counter, the server's ask row
names it (CaseAsk); the same five levels and reasons are asked about the case, and the choice is sent as the
case's rating (RateCase). A timeout records nothing for a case (a case has no "not rated"): the ask stays
open on the server and is not shown again here."""

from __future__ import annotations

import enum
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


@dataclass
class EvaluatorFlow:
    ask_seconds: int = 60          # RatingRules.timeout_seconds
    thanks_seconds: int = 5
    step: Step = Step.IDLE
    serving: Visit | None = None   # the visit at the window now (or the one being rated)
    level: RatingLevel | None = None
    done: set[str] = field(default_factory=set)
    case: CaseAsk | None = None    # the case being rated (一事一评), instead of a visit

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

    def observe_case(self, ask: CaseAsk | None) -> list:
        """The case asked at this window (the synced ask row, while open): asked about once."""
        if self.step is Step.IDLE and ask is not None and ask.ask_id not in self.done:
            self.case = ask
            return self._ask()
        return []

    def evaluation_key(self) -> list:
        """The clerk pressed 评价 on the keypad: ask about the visit at the window now."""
        if self.step is Step.IDLE and self.serving is not None and self.serving.ticket_id not in self.done:
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

    def idle(self) -> list:
        if self.step in (Step.ASK, Step.REASON) and (self.serving is not None or self.case is not None):
            actions = self._finish(None, "")
            self.step, self.case = Step.IDLE, None
            return actions
        if self.step is Step.THANKS:
            self.step, self.case = Step.IDLE, None
        return []
