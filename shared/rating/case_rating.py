"""一事一评: when a citizen may rate a case, one rule for the server (the counter's `rating.rate_case` and the
phone page) and the workstation that records a rating offline: only after 办结 (closed or delivered), once per
case, and a 差评 (the two lowest levels) with its reason."""

from __future__ import annotations

from shared.approval.lifecycle import CaseStatus
from shared.errors import DomainError

RATEABLE = frozenset({CaseStatus.CLOSED.value, CaseStatus.DELIVERED.value})
LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
BAD = frozenset({"dissatisfied", "very_dissatisfied"})
MAX_REASON = 500


class CaseRatingRefused(DomainError):
    code = "case_rating_refused"


def rateable(status: str, rated: bool) -> bool:
    """Whether the case may be rated now (what the screens offer)."""
    return status in RATEABLE and not rated


def check_case_asked(status: str, rated: bool) -> None:
    """Whether the counter's evaluator may ask the citizen to rate the case now (CaseRatingRefused if not):
    what rating it would be refused for anyway, before anyone is asked."""
    if status not in RATEABLE:
        raise CaseRatingRefused("rated after 办结 only", code="case_not_closed", case_status=status)
    if rated:
        raise CaseRatingRefused("a case is rated once", code="case_rating_exists")


def check_case_rating(status: str, rated: bool, level: str, reason: str) -> str:
    """The reason as it is stored (trimmed), or CaseRatingRefused with the code the server rejects with."""
    if level not in LEVELS:
        raise CaseRatingRefused(f"unknown level {level}", code="bad_rating_level", level=level)
    check_case_asked(status, rated)
    return check_level_and_reason(level, reason)


def check_level_and_reason(level: str, reason: str) -> str:
    """The part of the rule a device that holds no case rows applies (the counter's evaluator, which rates only
    the case the server asked it about): a known level, and a 差评 with its reason. The reason as stored."""
    if level not in LEVELS:
        raise CaseRatingRefused(f"unknown level {level}", code="bad_rating_level", level=level)
    reason = reason.strip()
    if level in BAD and not reason:
        raise CaseRatingRefused("a bad rating needs its reason", code="bad_rating_needs_reason")
    if len(reason) > MAX_REASON:
        raise CaseRatingRefused("reason too long", code="text_too_long", limit=MAX_REASON)
    return reason
