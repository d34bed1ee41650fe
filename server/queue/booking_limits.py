"""Rate limits on booking appointments (预约防刷). Per ID number: bookings made on one calendar day, counted in
the database (cancelled ones too, so booking and cancelling in a loop stops). Per client: booking requests in
the last hour, counted in memory by this server process (a client is the signed-in staff member whose valid
token it sent, else its address, so inventing Authorization headers gains nothing); a refused request counts
as well, so a script that keeps trying stays locked out."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import deque
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.queue.errors import reject
from server.queue.models import QueueAppointment
from shared.queue.clock import CHINA_TZ
from shared.queue.rules import AppointmentRules

WINDOW = dt.timedelta(hours=1)
MAX_CLIENTS = 50_000  # beyond this many clients, those idle for an hour are forgotten first


def client_key(staff_id: int | None, address: str | None) -> str:
    if staff_id is not None:
        return f"staff:{staff_id}"
    return f"addr:{address or 'unknown'}"


class ClientLimiter:
    def __init__(self) -> None:
        self._seen: dict[str, deque[dt.datetime]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, now: dt.datetime, per_hour: int) -> None:
        """Count one booking request of `client` at `now`; refuse it (429) over `per_hour` in the last hour."""
        with self._lock:
            if len(self._seen) > MAX_CLIENTS:
                self._forget_idle(now)
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - WINDOW:
                seen.popleft()
            seen.append(now)
            if len(seen) > per_hour:
                # tries count too: it may try again once at most per_hour - 1 of these are under an hour old
                retry = math.ceil((seen[-max(per_hour - 1, 1)] + WINDOW - now).total_seconds())
                raise reject("booking_rate_limited_client", status=429, limit=per_hour, retry_after_s=retry)

    def _forget_idle(self, now: dt.datetime) -> None:
        for client in [c for c, seen in self._seen.items() if not seen or seen[-1] <= now - WINDOW]:
            del self._seen[client]


_CREATE = threading.Lock()


def limiter_for(state: Any, name: str = "booking_limiter") -> ClientLimiter:
    """The app's limiter of that name (`app.state.<name>`), made on first use."""
    with _CREATE:
        limiter = getattr(state, name, None)
        if limiter is None:
            limiter = ClientLimiter()
            setattr(state, name, limiter)
        return limiter


def check_person(session: Session, rules: AppointmentRules, person_key: str, now: dt.datetime) -> None:
    """Refuse (429) a booking by an ID number that already made the day's allowance of bookings."""
    local = now.astimezone(CHINA_TZ)
    midnight = dt.datetime.combine(local.date(), dt.time(0), CHINA_TZ)
    made = session.scalar(select(func.count()).select_from(QueueAppointment).where(
        QueueAppointment.person_key == person_key, QueueAppointment.created_at >= midnight,
        QueueAppointment.created_at < midnight + dt.timedelta(days=1))) or 0
    if made >= rules.bookings_per_person_per_day:
        raise reject("booking_rate_limited_person", status=429, limit=rules.bookings_per_person_per_day)
