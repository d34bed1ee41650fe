"""The queue's periodic jobs on the server scheduler (server/scheduler.py): near-call scans, delivery of the
notification outbox, appointment no-shows after the late limit, the close-of-day sweep, and the queue
statistics' past days stored in advance (server/queue/stats_store.build_ahead). Each finds the
halls with something to do itself, so one registration serves every hall. `register(scheduler, state)` is
the queue domain's jobs (server/domain.py); the sender is `state.notice_sender` (the log sender unless
something else is set, read at each run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import appointments, closing, stats_store
from server.queue.models import QueueAppointment, QueueTicket
from server.queue.notifications import LogSender, Sender, drain, scan_near_calls
from server.scheduler import Scheduler
from server.sync import changes
from shared.queue.clock import CHINA_TZ

NEAR_CALLS = "queue.near_calls"
NOTICES = "queue.notices"
NO_SHOWS = "queue.appointment_no_shows"
CLOSE_DAY = "queue.close_day"


def near_calls(session: Session, now: dt.datetime) -> int:
    day = now.astimezone(CHINA_TZ).date()
    halls = session.scalars(select(QueueTicket.hall_id).where(QueueTicket.day == day,
                                                              QueueTicket.state == "waiting").distinct())
    return sum(scan_near_calls(session, hall_id, day, now) for hall_id in list(halls))


def appointment_no_shows(session: Session, now: dt.datetime) -> int:
    halls = session.scalars(select(QueueAppointment.hall_id).where(QueueAppointment.state == "booked",
                                                                   QueueAppointment.slot_start < now).distinct())
    return sum(appointments.mark_no_shows(session, hall_id, now, hall_emitter(session, hall_id, now))
               for hall_id in list(halls))


def hall_emitter(session: Session, hall_id: int, now: dt.datetime):  # noqa: ANN201
    """Publish rows to the hall scope in the job's transaction; devices see them on their next pull."""
    def emit(table: str, pk: str, row: dict) -> None:
        changes.publish(session, hall_id, f"hall:{hall_id}", table, pk, row, now=now)
    return emit


def register(scheduler: Scheduler, state: Any) -> None:
    if getattr(state, "notice_sender", None) is None:
        state.notice_sender = LogSender()

    def deliver(session: Session, now: dt.datetime) -> int:
        sender: Sender = state.notice_sender
        return drain(session, sender, now)[0]

    scheduler.add(NEAR_CALLS, dt.timedelta(minutes=1), near_calls)
    scheduler.add(NOTICES, dt.timedelta(minutes=1), deliver)
    scheduler.add(NO_SHOWS, dt.timedelta(minutes=5), appointment_no_shows)
    scheduler.add(CLOSE_DAY, dt.timedelta(minutes=10), closing.sweep_all)
    stats_store.register(scheduler)  # the queue statistics' days stored ahead of the requests
