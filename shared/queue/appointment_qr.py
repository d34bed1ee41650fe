"""The appointment QR code (预约二维码): a code that carries only the appointment's token, no ID number.

Format: ``GOVHALL-APPT:<token>`` where ``<token>`` is the ``qr_token`` returned once by booking
(``secrets.token_urlsafe(18)``: 24 URL-safe base64 characters; 16–64 are accepted). Nobody stores the token in
clear: the server keeps and syncs its blind index (``token_key`` = blind_index("qr_token", token)), so a
kiosk holding the hall's index key matches a scanned code against its synced appointments, also offline.

At the dispenser the matched appointment must be today's, still booked, and inside its check-in window;
the person is known only by the appointment's ``person_key``, which is what the one-ticket rule compares.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from shared.queue.appointments import Appointment, CheckIn, check_in
from shared.queue.clock import require_aware
from shared.queue.config import Business, Quota
from shared.queue.errors import IssueRefused
from shared.queue.issuance import Admission
from shared.queue.rules import CheckInWindow
from shared.queue.tickets import ACTIVE_STATES, Channel, PriorityClass, Ticket

SCHEME = "GOVHALL-APPT"
TOKEN_KIND = "qr_token"  # the blind-index kind of token_key (server.queue.appointments, the kiosk)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

def payload(token: str) -> str:
    """What the QR code shows for a booking's token."""
    return f"{SCHEME}:{token}"


def parse(scanned: str) -> str | None:
    """The token of an appointment QR code; None if `scanned` is not one (it may be another kind of code)."""
    scheme, _, token = scanned.strip().partition(":")
    if scheme.upper() != SCHEME:
        return None
    token = token.strip()
    return token if _TOKEN.fullmatch(token) else None



@dataclass(frozen=True)
class Booked:
    """An appointment as the dispenser sees it: `person_key` stands in for the person (no ID number)."""
    appointment: Appointment
    state: str  # booked, cancelled, checked_in, late, no_show


def check_in_by_token(found: Booked | None, now: dt.datetime, window: CheckInWindow) -> CheckIn:
    """The on-time check-in of the appointment a token named, or IssueRefused with the reason."""
    require_aware(now, "now")
    if found is None:
        raise IssueRefused("appointment_token_unknown", "no appointment has this token")
    a = found.appointment
    if found.state in ("checked_in", "late"):
        raise IssueRefused("appointment_token_used", "the appointment already has its ticket", appointment=a.id)
    if found.state == "cancelled" or a.cancelled:
        raise IssueRefused("appointment_token_cancelled", "the appointment was cancelled", appointment=a.id)
    if a.slot_start.astimezone(now.tzinfo).date() != now.date():
        raise IssueRefused("appointment_token_other_day", f"the appointment is on {a.slot_start.date()}",
                           appointment=a.id, day=a.slot_start.date().isoformat())
    if found.state == "no_show":
        raise IssueRefused("appointment_token_expired", "the appointment was marked a no-show", appointment=a.id)
    matched = check_in([a], a.person_id, now, window)  # raises check_in_too_early
    if matched is None or not matched.on_time:
        raise IssueRefused("appointment_token_expired", "the check-in window has passed", appointment=a.id)
    return matched


def admit_by_token(matched: CheckIn, business: Business | None, quota: Quota | None, channel: Channel,
                   tickets: Iterable[Ticket]) -> Admission:
    """An on-time appointment ticket for a person known only by key (`tickets` must carry that key as
    their person_id): held only to the business being offered and not paused (as an on-time ID-card
    check-in), and to one active ticket per person and business."""
    a = matched.appointment
    if business is None or business.id != a.business_id:
        raise IssueRefused("unknown_business", f"no business {a.business_id}", business=a.business_id)
    if not business.active:
        raise IssueRefused("business_inactive", f"business {business.prefix} is not offered", business=business.id)
    if quota is not None and quota.paused:
        raise IssueRefused("business_paused", f"business {business.prefix} is paused", business=business.id)
    held = next((t for t in tickets if t.person_id == a.person_id and t.business_id == business.id
                 and t.state in ACTIVE_STATES), None)
    if held is not None:
        raise IssueRefused("person_already_queued", f"this person already holds ticket {held.number}",
                           ticket=held.number)
    return Admission(business.id, channel, PriorityClass.APPOINTMENT, False, None, a.id, None)
