"""Closing time on the server: windows may not call a business's tickets after its service end, and the
end-of-day sweep (a scheduler job, see server/queue/jobs.py) ends what is left open by the shared rule
(shared/queue/closing.py), flagging each ticket with why and publishing it like any other change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import store
from server.queue.config import HallConfig, load_hall_config
from server.queue.errors import reject
from server.queue.models import QueueTicket, QueueWindowState
from server.sync import changes
from shared.queue import closing
from shared.queue.clock import CHINA_TZ
from shared.queue.tickets import ACTIVE_STATE_NAMES

OPEN_STATES = sorted(ACTIVE_STATE_NAMES)  # a ticket not yet ended, as the SQL filter reads it


def check_may_call(config: HallConfig, row: QueueTicket, at: dt.datetime) -> None:
    """A window calling (next or specific) after the business's service end is refused."""
    if not closing.may_call_at(config.quotas.get(row.business_id), config.rules.calling, row.day, at, CHINA_TZ):
        raise reject("service_closed", business=row.business_id, day=row.day.isoformat())


def sweep_hall(session: Session, hall_id: int, now: dt.datetime) -> int:
    """End the open tickets of past service ends in one hall. Returns how many were ended."""
    config = load_hall_config(session, hall_id)
    rows = {r.id: r for r in session.scalars(select(QueueTicket).where(
        QueueTicket.hall_id == hall_id, QueueTicket.state.in_(OPEN_STATES),
        QueueTicket.day <= now.astimezone(CHINA_TZ).date()))}
    by_day: dict[dt.date, list] = {}
    for row in rows.values():
        by_day.setdefault(row.day, []).append(store.ticket_of(row))
    done = 0
    for day, tickets in by_day.items():
        for swept in closing.sweep(tickets, config.quotas, config.rules.calling, day, now, CHINA_TZ):
            row = rows[swept.ticket.id]
            window_id = row.window_id
            store.save_ticket(row, swept.ticket, now)
            store.add_flag(row, swept.flag)
            changes.publish(session, hall_id, f"hall:{hall_id}", "queue_ticket", row.id, store.ticket_row(row),
                            now=now)
            if window_id is not None:
                _free_window(session, hall_id, window_id, row.id, now)
            done += 1
    return done


def _free_window(session: Session, hall_id: int, window_id: int, ticket_id: str, now: dt.datetime) -> None:
    state = session.get(QueueWindowState, window_id)
    if state is not None and state.current_ticket_id == ticket_id:
        state.current_ticket_id, state.since = None, now
        changes.publish(session, hall_id, f"hall:{hall_id}", "queue_window", str(window_id),
                        store.window_row(state), now=now)


def sweep_all(session: Session, now: dt.datetime) -> int:
    halls = session.scalars(select(QueueTicket.hall_id).where(QueueTicket.state.in_(OPEN_STATES)).distinct())
    return sum(sweep_hall(session, hall_id, now) for hall_id in list(halls))
