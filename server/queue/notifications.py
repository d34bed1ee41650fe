"""Near-call reminders (叫号提醒): a scan writes one outbox row per ticket when its people-ahead count reaches the
hall's threshold (the unique (ticket, kind) key makes it exactly once, however often the scan runs); `drain`
hands pending rows to a pluggable sender (the log by default) and records what happened. A ticket checked in
from an appointment that gave a mobile number, or taken by phone number at the dispenser (手机号取号), also
gets its SMS through the notification outbox (server/notify), queued by the same scan in the same
transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.identity import pii_keys
from server.notify.outbox import notify
from server.queue import store, ticket_phones
from server.queue.appointments import phone_of
from server.queue.config import load_hall_config
from server.queue.models import (QueueAppointment, QueueNotification, QueueTicket, QueueTicketPhone,
                                 QueueWindowState)
from server.sync.changes import insert_ignore
from shared.crypto.keys import KeyProvider
from shared.queue.estimates import near_call_intents, people_ahead

NEAR_CALL = "near_call"
MAX_ATTEMPTS = 5
log = logging.getLogger("govhall.queue.notify")


@dataclass(frozen=True)
class Notice:
    """What a sender gets: never the ID number, only the ticket, its business and how near it is."""
    id: int
    hall_id: int
    ticket_id: str
    kind: str
    payload: dict


class SendFailed(Exception):
    """The channel refused or timed out; the row stays pending for another try (up to MAX_ATTEMPTS)."""


class Sender(Protocol):
    def send(self, notice: Notice) -> None: ...


class LogSender:
    """Writes each notice to the log (the default channel; also what tests and the bench use). Keeps the
    latest notices for inspection, not all of them (it runs for as long as the server does)."""

    def __init__(self, keep: int = 100_000) -> None:
        self.sent: deque[Notice] = deque(maxlen=keep)

    def send(self, notice: Notice) -> None:
        log.info("near call: ticket %s, %s ahead", notice.payload.get("display"), notice.payload.get("people_ahead"))
        self.sent.append(notice)


def scan_near_calls(session: Session, hall_id: int, day: dt.date, now: dt.datetime,
                    keys: KeyProvider | None = None) -> int:
    """Queue a reminder for every waiting ticket of the day now within the threshold, and its SMS when the
    ticket came from an appointment that gave a phone. Returns how many new. `keys`: the PII keys (default:
    the environment's, read only when a phone is to be opened)."""
    config = load_hall_config(session, hall_id)
    rows = session.scalars(select(QueueTicket).where(QueueTicket.hall_id == hall_id, QueueTicket.day == day,
                                                     QueueTicket.state == "waiting")).all()
    if not rows:
        return 0
    tickets = [store.ticket_of(r) for r in rows]
    statuses = {s.window_id: store.status_of(s) for s in session.scalars(
        select(QueueWindowState).where(QueueWindowState.hall_id == hall_id))}
    ahead = people_ahead(list(config.windows.values()), statuses, tickets, now, config.rules.calling,
                         up_to=config.rules.calling.near_call_threshold)
    done = frozenset(session.scalars(select(QueueNotification.ticket_id).where(
        QueueNotification.ticket_id.in_([r.id for r in rows]), QueueNotification.kind == NEAR_CALL)))
    intents, _ = near_call_intents(tickets, ahead, config.rules.calling, done)
    business = {r.id: r.business_id for r in rows}
    for intent in intents:
        insert_ignore(session, QueueNotification, {
            "hall_id": hall_id, "ticket_id": intent.ticket_id, "kind": NEAR_CALL, "state": "pending",
            "attempts": 0, "last_error": "", "created_at": now,
            "payload": {"display": intent.ticket_number, "people_ahead": intent.people_ahead,
                        "business_id": business[intent.ticket_id]}}, ["ticket_id", "kind"])
    _sms(session, hall_id, intents, now, keys)
    return len(intents)


def _sms(session: Session, hall_id: int, intents: list, now: dt.datetime, keys: KeyProvider | None) -> None:
    """The near-call SMS of tickets whose citizen gave a phone: at booking (the appointment's) or at the
    dispenser's phone keypad (手机号取号, server/queue/ticket_phones.py)."""
    if not intents:
        return
    ids = [i.ticket_id for i in intents]
    booked = {a.ticket_id: a for a in session.scalars(select(QueueAppointment).where(
        QueueAppointment.ticket_id.in_(ids), QueueAppointment.phone_sealed.is_not(None)))}
    typed = set(session.scalars(select(QueueTicketPhone.ticket_id)
                                .where(QueueTicketPhone.ticket_id.in_(ids))))
    if not booked and not typed:
        return
    keys = keys or pii_keys()
    phones = ticket_phones.phones_of(session, [i for i in ids if i in typed and i not in booked], keys)
    for intent in intents:
        if intent.ticket_id in booked:
            phone = phone_of(booked[intent.ticket_id], keys)
        else:
            phone = phones.get(intent.ticket_id)
        if phone:
            notify(session, NEAR_CALL, hall_id=hall_id, now=now, key=intent.ticket_id, keys=keys, phone=phone,
                   params={"ticket": intent.ticket_number, "ahead": intent.people_ahead})


def drain(session: Session, sender: Sender, now: dt.datetime, limit: int = 200) -> tuple[int, int]:
    """Send pending notices, oldest first. Returns (sent, failed for good)."""
    sent = failed = 0
    rows = session.scalars(select(QueueNotification).where(QueueNotification.state == "pending")
                           .order_by(QueueNotification.id).limit(limit).with_for_update(skip_locked=True))
    for row in rows:
        try:
            sender.send(Notice(row.id, row.hall_id, row.ticket_id, row.kind, dict(row.payload)))
        except SendFailed as exc:
            row.attempts += 1
            row.last_error = str(exc)[:200]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
                failed += 1
            continue
        row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        sent += 1
    return sent, failed
