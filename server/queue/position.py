"""One ticket's place in the queue, as its holder may see it on a phone (我的排队): people ahead and the estimated
wait from shared.queue.estimates (the same rules the near-call scan and the hall display use), whether its
turn is near (the hall's near-call threshold) and, once called, the window to go to (无声叫号). Nothing about
any other ticket leaves this module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import store
from server.queue.config import load_hall_config
from server.queue.models import QueueTicket, QueueWindowState
from shared.db.models import Business, Window
from shared.queue.estimates import estimate_wait, mean_service_time, people_ahead
from shared.queue.tickets import TicketState


@dataclass(frozen=True)
class Position:
    display: str
    business: str
    state: str                       # waiting, called, serving, held, finished, no_show, cancelled
    people_ahead: int | None         # None: no open window can call it now (or not waiting)
    wait_minutes: int | None
    near: bool                       # within the hall's near-call threshold
    threshold: int
    window_number: int | None        # the window that called it (called / serving)
    window_name: str


def position_of(session: Session, ticket_id: str, now: dt.datetime) -> Position | None:
    """None when no ticket has this id (the caller answers as for any unknown ticket)."""
    row = session.get(QueueTicket, ticket_id)
    if row is None:
        return None
    config = load_hall_config(session, row.hall_id)
    business = session.get(Business, row.business_id)
    threshold = config.rules.calling.near_call_threshold
    window = session.get(Window, row.window_id) if row.window_id is not None else None
    ahead = wait = None
    if row.state == TicketState.WAITING.value:
        rows = session.scalars(select(QueueTicket).where(
            QueueTicket.hall_id == row.hall_id, QueueTicket.day == row.day,
            QueueTicket.state.in_((TicketState.WAITING.value, TicketState.FINISHED.value)))).all()
        tickets = [store.ticket_of(r) for r in rows]
        mine = next(t for t in tickets if t.id == row.id)
        statuses = {s.window_id: store.status_of(s) for s in session.scalars(
            select(QueueWindowState).where(QueueWindowState.hall_id == row.hall_id))}
        windows = list(config.windows.values())
        ahead = people_ahead(windows, statuses, tickets, now, config.rules.calling).get(row.id)
        mean = mean_service_time(tickets, row.business_id, config.rules.estimate)
        estimate = estimate_wait(mine, ahead, windows, statuses, mean).estimated_wait
        wait = None if estimate is None else round(estimate.total_seconds() / 60)
    return Position(display=row.display, business=business.name if business else "", state=row.state,
                    people_ahead=ahead, wait_minutes=wait, near=ahead is not None and ahead <= threshold,
                    threshold=threshold, window_number=window.number if window is not None else None,
                    window_name=window.name if window is not None else "")
