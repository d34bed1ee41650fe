"""The fixed case statuses, the event actions, and which status each action may move a case from and to.

Statuses say where the case is in its life; *which* step it is at is `CaseState.current_steps`.
There is no resting `accepted` status: acceptance is an event (with the acceptance day and the Art. 32 flag)
that puts the case straight into its first review step (`in_review`). A resting status would either be
left at once or need an extra "start review" action that the law does not know.
"""

from __future__ import annotations

from enum import Enum


class CaseStatus(str, Enum):
    RECEIVED = "received"                          # 收件: materials received, acceptance not decided
    PRE_ACCEPTED = "pre_accepted"                  # 预受理: online application checked, originals awaited
    CORRECTION_REQUESTED = "correction_requested"  # 补正: waiting for the applicant's corrections
    NOT_ACCEPTED = "not_accepted"                  # 不予受理
    IN_REVIEW = "in_review"                        # at one (or a parallel group of) review steps
    SPECIAL_PROCEDURE = "special_procedure"        # 特别程序 (Art. 45): statutory clock stopped
    DECIDED_GRANTED = "decided_granted"            # 准予许可
    DECIDED_REFUSED = "decided_refused"            # 不予许可
    LICENCE_MADE = "licence_made"                  # 制证
    LICENCE_ISSUED = "licence_issued"              # 发证
    CLOSED = "closed"                              # 办结
    DELIVERED = "delivered"                        # 送达 / 出件
    WITHDRAWN = "withdrawn"                        # 申请撤回
    TERMINATED = "terminated"                      # 终止


class Action(str, Enum):
    """What an event records. Names follow the DOMAIN.md glossary."""
    RECEIVE = "receive"
    PRE_ACCEPT = "pre_accept"
    REQUEST_CORRECTION = "request_correction"
    RECEIVE_CORRECTION = "receive_correction"
    ACCEPT = "accept"
    DEEMED_ACCEPTED_ART32 = "deemed_accepted_art32"
    REJECT_APPLICATION = "reject_application"
    PASS_STEP = "pass_step"
    RETURN_TO_STEP = "return_to_step"
    START_SPECIAL_PROCEDURE = "start_special_procedure"
    END_SPECIAL_PROCEDURE = "end_special_procedure"
    EXTEND = "extend"
    GRANT = "grant"
    REFUSE = "refuse"
    MAKE_LICENCE = "make_licence"
    ISSUE_LICENCE = "issue_licence"
    CLOSE = "close"
    DELIVER = "deliver"
    SERVE_NOTICE = "serve_notice"
    WITHDRAW = "withdraw"
    TERMINATE = "terminate"
    URGE = "urge"
    SUPERVISE = "supervise"
    REPLY_SUPERVISION = "reply_supervision"
    MARK_URGENT = "mark_urgent"


S = CaseStatus
# The case is over: nothing more can happen to it (worklists and "unfinished" searches leave these out).
TERMINAL = frozenset({S.NOT_ACCEPTED, S.DELIVERED, S.WITHDRAWN, S.TERMINATED})
# 办结 or over: the decision and the licence are done (a closed case only waits for delivery).
CLOSED_OR_TERMINAL = TERMINAL | {S.CLOSED}
# The same sets as the status names rows and SQL filters carry.
TERMINAL_NAMES = frozenset(s.value for s in TERMINAL)
CLOSED_OR_TERMINAL_NAMES = frozenset(s.value for s in CLOSED_OR_TERMINAL)
INTAKE = frozenset({S.RECEIVED, S.PRE_ACCEPTED})
BEFORE_DECISION = frozenset({S.RECEIVED, S.PRE_ACCEPTED, S.CORRECTION_REQUESTED, S.IN_REVIEW, S.SPECIAL_PROCEDURE})
OPEN = frozenset(S) - TERMINAL

# action -> {status before: statuses allowed after}. None before = the case does not exist yet.
TRANSITIONS: dict[Action, dict[CaseStatus | None, frozenset[CaseStatus]]] = {
    Action.RECEIVE: {None: frozenset({S.RECEIVED})},
    Action.PRE_ACCEPT: {S.RECEIVED: frozenset({S.PRE_ACCEPTED})},
    Action.REQUEST_CORRECTION: {s: frozenset({S.CORRECTION_REQUESTED}) for s in (*INTAKE, S.IN_REVIEW)},
    Action.RECEIVE_CORRECTION: {S.CORRECTION_REQUESTED: frozenset({S.RECEIVED, S.IN_REVIEW})},
    Action.ACCEPT: {s: frozenset({S.IN_REVIEW}) for s in INTAKE},
    Action.DEEMED_ACCEPTED_ART32: {s: frozenset({S.IN_REVIEW}) for s in INTAKE},
    Action.REJECT_APPLICATION: {s: frozenset({S.NOT_ACCEPTED}) for s in (*INTAKE, S.CORRECTION_REQUESTED)},
    Action.PASS_STEP: {S.IN_REVIEW: frozenset({S.IN_REVIEW})},
    Action.RETURN_TO_STEP: {S.IN_REVIEW: frozenset({S.IN_REVIEW})},
    Action.START_SPECIAL_PROCEDURE: {S.IN_REVIEW: frozenset({S.SPECIAL_PROCEDURE})},
    Action.END_SPECIAL_PROCEDURE: {S.SPECIAL_PROCEDURE: frozenset({S.IN_REVIEW})},
    Action.EXTEND: {s: frozenset({s}) for s in (S.IN_REVIEW, S.SPECIAL_PROCEDURE, S.CORRECTION_REQUESTED)},
    Action.GRANT: {S.IN_REVIEW: frozenset({S.DECIDED_GRANTED})},
    Action.REFUSE: {S.IN_REVIEW: frozenset({S.DECIDED_REFUSED})},
    Action.MAKE_LICENCE: {S.DECIDED_GRANTED: frozenset({S.LICENCE_MADE})},
    Action.ISSUE_LICENCE: {S.LICENCE_MADE: frozenset({S.LICENCE_ISSUED})},
    Action.CLOSE: {s: frozenset({S.CLOSED}) for s in (S.LICENCE_ISSUED, S.DECIDED_GRANTED, S.DECIDED_REFUSED)},
    Action.DELIVER: {S.CLOSED: frozenset({S.DELIVERED})},
    Action.WITHDRAW: {s: frozenset({S.WITHDRAWN}) for s in BEFORE_DECISION},
    Action.TERMINATE: {s: frozenset({S.TERMINATED}) for s in BEFORE_DECISION},
    # 送达 of a notice: any status, even a finished case (a 不予受理决定书 is served after the case ended).
    Action.SERVE_NOTICE: {s: frozenset({s}) for s in S},
    # Annotations: recorded on the case, never move it.
    Action.URGE: {s: frozenset({s}) for s in OPEN},
    Action.SUPERVISE: {s: frozenset({s}) for s in OPEN},
    Action.REPLY_SUPERVISION: {s: frozenset({s}) for s in OPEN},
    Action.MARK_URGENT: {s: frozenset({s}) for s in OPEN},
}


def allowed_from(action: Action, status: CaseStatus | None) -> bool:
    return status in TRANSITIONS[action]


def is_allowed_transition(action: Action, before: CaseStatus | None, after: CaseStatus) -> bool:
    return after in TRANSITIONS[action].get(before, frozenset())
