"""Rate limits on booking appointments (预约防刷). Per ID number: bookings made on one calendar day, counted in
the database (cancelled ones too, so booking and cancelling in a loop stops). Per client: booking requests in
the last hour (a client is the signed-in staff member whose valid token it sent, else its address, so inventing
Authorization headers gains nothing), counted in the database, so every server process behind a load balancer
sees the same count; a refused request counts as well (it is recorded in its own transaction), so a script that
keeps trying stays locked out. Look-ups of bookings have an allowance of their own (a limiter by another name)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from server.queue.errors import reject
from server.queue.models import BookingRequest, QueueAppointment
from server.store.database import Database
from shared.queue.clock import CHINA_TZ
from shared.queue.rules import AppointmentRules

WINDOW = dt.timedelta(hours=1)
REQUESTS = BookingRequest.__table__


def client_key(staff_id: int | None, address: str | None) -> str:
    if staff_id is not None:
        return f"staff:{staff_id}"
    return f"addr:{address or 'unknown'}"


class ClientLimiter:
    def __init__(self, database: Database, name: str = "booking_limiter") -> None:
        self.database, self.name = database, name

    def check(self, client: str, now: dt.datetime, per_hour: int,
              code: str = "booking_rate_limited_client") -> None:
        """Count one request of `client` at `now`; refuse it (429, `code`) over `per_hour` in the last hour."""
        with self.database.session() as session:
            seen = self._record(session, f"{self.name}/{client}"[:80], now)
        if len(seen) > per_hour:
            # tries count too: it may try again once at most per_hour - 1 of these are under an hour old
            retry = math.ceil((seen[-max(per_hour - 1, 1)] + WINDOW - now).total_seconds())
            raise reject(code, status=429, limit=per_hour, retry_after_s=retry)

    @staticmethod
    def _record(session: Session, client: str, now: dt.datetime) -> list[dt.datetime]:
        """Forget requests an hour old, record this one; the client's requests of the last hour, oldest first."""
        if session.get_bind().dialect.name == "postgresql":  # two processes counting one client take turns
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('govhall.booking/' || :client))"),
                            {"client": client})
        session.execute(delete(REQUESTS).where(REQUESTS.c.at <= now - WINDOW))
        session.execute(insert(REQUESTS).values(client=client, at=now))
        return list(session.scalars(select(BookingRequest.at).where(BookingRequest.client == client,
                                                                    BookingRequest.at > now - WINDOW)
                                    .order_by(BookingRequest.at, BookingRequest.id)))


def limiter_for(state: Any, name: str = "booking_limiter") -> ClientLimiter:
    """The app's limiter of that name, on the app's database."""
    return ClientLimiter(state.database, name)


def check_person(session: Session, rules: AppointmentRules, person_key: str, now: dt.datetime) -> None:
    """Refuse (429) a booking by an ID number that already made the day's allowance of bookings."""
    local = now.astimezone(CHINA_TZ)
    midnight = dt.datetime.combine(local.date(), dt.time(0), CHINA_TZ)
    made = session.scalar(select(func.count()).select_from(QueueAppointment).where(
        QueueAppointment.person_key == person_key, QueueAppointment.created_at >= midnight,
        QueueAppointment.created_at < midnight + dt.timedelta(days=1))) or 0
    if made >= rules.bookings_per_person_per_day:
        raise reject("booking_rate_limited_person", status=429, limit=rules.bookings_per_person_per_day)
