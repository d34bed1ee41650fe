"""Closing time (闭厅): how a business's day ends so that no ticket stays open.

Issuing stops at the quota's `closes_at`. Windows keep calling the tickets already issued for
`CallingRules.serve_after_close_minutes` more (the citizens took a number before closing); after that
"service end" they call nobody new, but a citizen already at a window (serving, or held there while fetching
a paper) is still served to the end. The end-of-day sweep then ends what is left:
- waiting (or transferred and waiting) tickets: cancelled as `closed_unserved` (expired, not served);
- called tickets whose citizen never came to the window: cancelled as `closed_unserved` too;
- `FORGOTTEN_AFTER` later, what the windows never closed: a held ticket never called back is cancelled as
  `closed_unserved`; a serving one is finished as `closed_by_sweep` (the clerk forgot to press finish; the
  flag says its service time is not to be trusted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.queue import lifecycle
from shared.queue.config import Quota
from shared.queue.rules import CallingRules
from shared.queue.tickets import Ticket, TicketState

CLOSED_UNSERVED = "closed_unserved"
CLOSED_BY_SWEEP = "closed_by_sweep"
FORGOTTEN_AFTER = dt.timedelta(hours=2)


def service_end(quota: Quota, rules: CallingRules, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The last moment a window may call a ticket of this business on `day`."""
    return dt.datetime.combine(day, quota.closes_at, tz) + dt.timedelta(minutes=rules.serve_after_close_minutes)


def may_call_at(quota: Quota | None, rules: CallingRules, day: dt.date, now: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether a window may still call (next or specific) a ticket of this business issued on `day`.
    A business without a quota row keeps the default opening hours."""
    return now < service_end(quota or Quota(0), rules, day, tz)


@dataclass(frozen=True)
class Swept:
    ticket: Ticket
    flag: str


def sweep(tickets: list[Ticket], quotas: dict[int, Quota], rules: CallingRules, day: dt.date, now: dt.datetime,
          tz: dt.tzinfo) -> list[Swept]:
    """What the end-of-day sweep does at `now` to the open tickets of `day` (see the module doc)."""
    out = []
    for ticket in tickets:
        if ticket.state.is_final:
            continue
        end = service_end(quotas.get(ticket.business_id) or Quota(ticket.business_id), rules, day, tz)
        if now < end:
            continue
        at = max(now, ticket.periods[-1].start)
        if ticket.state in (TicketState.WAITING, TicketState.CALLED):
            out.append(Swept(lifecycle.cancel(ticket, at), CLOSED_UNSERVED))
        elif now >= end + FORGOTTEN_AFTER:
            if ticket.state is TicketState.SERVING:
                out.append(Swept(lifecycle.finish(ticket, at), CLOSED_BY_SWEEP))
            else:
                out.append(Swept(lifecycle.cancel(ticket, at), CLOSED_UNSERVED))
    return out
