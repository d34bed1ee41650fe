"""Offline double calls: two counters, each working from its own cached view, both called the same ticket.

Each call is a fact (kept for the record) plus a claim command. The server resolves all claims on one
ticket, in server order, with one rule:
- the first claim wins,
- except that a claim whose window reports the service actually started (the citizen came to *that*
  window) is accepted in its place — the citizen's presence settles it — and flagged for the supervisor.
Exactly one claim wins, so two windows never serve the same ticket; every loser gets a typed rejection.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from shared.queue.clock import IssueTime
from shared.queue.errors import TicketClaimedElsewhere


@dataclass(frozen=True)
class CallClaim:
    claim_id: str
    ticket_id: str
    ticket_number: str
    window_id: int
    called_at: IssueTime       # the counter's HLC at the call
    server_seq: int            # order in which the server received it
    service_started: bool = False


class ClaimVerdict(enum.Enum):
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True)
class ClaimOutcome:
    claim: CallClaim
    verdict: ClaimVerdict
    rejection: TicketClaimedElsewhere | None = None


@dataclass(frozen=True)
class ClaimResolution:
    ticket_id: str
    winner: CallClaim
    outcomes: tuple[ClaimOutcome, ...]     # one per claim, in server order: every call stays on record
    flag_for_supervisor: bool              # the winner is not the first claim, or service began twice
    flag_reasons: tuple[str, ...] = ()


def resolve_claims(claims: Sequence[CallClaim]) -> ClaimResolution:
    """Resolve every claim on one ticket. Deterministic: depends only on the claims and their server order,
    so re-running it after a new claim arrives gives the same answer for the old ones unless the new claim
    reports a started service."""
    if not claims:
        raise ValueError("no claims to resolve")
    ticket_ids = {c.ticket_id for c in claims}
    if len(ticket_ids) != 1:
        raise ValueError(f"claims for several tickets: {sorted(ticket_ids)}")
    ordered = sorted(claims, key=lambda c: (c.server_seq, c.claim_id))
    started = [c for c in ordered if c.service_started]
    winner = started[0] if started else ordered[0]
    reasons = []
    if winner is not ordered[0]:
        reasons.append("service_started_at_later_claim")
    if len(started) > 1:
        reasons.append("service_started_at_several_windows")
    outcomes = tuple(
        ClaimOutcome(c, ClaimVerdict.WON) if c is winner else
        ClaimOutcome(c, ClaimVerdict.LOST, TicketClaimedElsewhere(c.ticket_number, c.window_id, winner.window_id))
        for c in ordered)
    return ClaimResolution(winner.ticket_id, winner, outcomes, bool(reasons), tuple(reasons))
