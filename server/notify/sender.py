"""The scheduled SMS sender: news from the gateway first (delivery reports; "TD" replies become opt-outs), then
the due messages, oldest first — each checked against the opt-out list and the number's hourly cap, sent, and
marked sent, retried later (backoff with jitter) or failed. It runs as a scheduler job (server/scheduler.py), so
with several server processes one runs it at a time, and it locks its rows (SKIP LOCKED) besides.

It sends inside the job's transaction so a message is marked sent in the same commit that ends the run; if that
commit failed after the gateway took a message, the message would go again (at least once, never lost). When
the gateway is down, the run stops at the first failure and the sender pauses until that message's retry time,
instead of trying every queued message against a dead link."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.notify.gateway import Gateway, GatewayRefused, GatewayUnavailable, Outgoing, Reply, Report
from server.notify.models import Notification, NotificationOptOut
from server.notify.outbox import phone_where
from server.notify.policy import HOUR, Policy, backoff, rate_limited_until
from server.notify.templates import TEMPLATES
from shared.approval.personal import PHONE, mask, normalise_phone, reveal, search_key
from shared.crypto.keys import KeyProvider, KeyUnavailable

OPT_OUT_WORDS = {"TD", "T", "退订", "N", "0000"}


@dataclass
class Sender:
    gateway: Gateway
    keys: KeyProvider | None
    policy: Policy = field(default_factory=Policy)
    rng: random.Random = field(default_factory=random.Random)
    paused_until: dt.datetime | None = None
    sent_total: int = 0

    def run(self, session: Session, now: dt.datetime) -> int:
        """One run: returns how many messages the gateway accepted."""
        if self.paused_until is not None and now < self.paused_until:
            return 0
        self.paused_until = None
        try:
            self.apply(session, *self.gateway.poll(), now)
        except GatewayUnavailable:
            pass  # the first due message will say whether the gateway is down (and count as its attempt)
        return self.send_due(session, now)

    # --- sending -------------------------------------------------------------------------------------------
    def send_due(self, session: Session, now: dt.datetime) -> int:
        rows = list(session.scalars(
            select(Notification).where(Notification.channel == "sms", Notification.state == "queued",
                                       Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.created_at).limit(self.policy.batch)
            .with_for_update(skip_locked=True)))
        if not rows:
            return 0
        indexes = {r.phone_index for r in rows}
        opted = set(session.scalars(select(NotificationOptOut.phone_index)
                                    .where(NotificationOptOut.phone_index.in_(indexes))))
        recent: dict[str, list[dt.datetime]] = defaultdict(list)
        for index, at in session.execute(select(Notification.phone_index, Notification.sent_at).where(
                Notification.phone_index.in_(indexes), Notification.channel == "sms",
                Notification.sent_at > now - HOUR)):
            recent[index].append(at)
        sent, started = 0, time.monotonic()
        for row in rows:
            if row.phone_index in opted:
                row.state, row.last_error = "failed", "opted_out"
                continue
            wait = rate_limited_until(recent[row.phone_index], self.policy)
            if wait is not None:
                row.next_attempt_at, row.last_error = wait, "rate_limited"
                continue
            try:
                row.gateway_msg_id = self.gateway.send(self._outgoing(row))
            except GatewayUnavailable as exc:
                self._retry(row, now, str(exc))
                self.paused_until = row.next_attempt_at if row.state == "queued" else now
                break
            except GatewayRefused as exc:
                row.attempts += 1
                row.state, row.last_error = "failed", str(exc)[:200]
                continue
            row.attempts += 1
            row.state, row.sent_at, row.gateway, row.last_error = "sent", now, self.gateway.name, ""
            recent[row.phone_index].append(now)
            sent += 1
            if time.monotonic() - started > self.policy.time_budget_s:
                break
        self.sent_total += sent
        return sent

    def _outgoing(self, row: Notification) -> Outgoing:
        if self.keys is None:
            raise KeyUnavailable("the PII keys are needed to open the phone numbers")
        phone = reveal(PHONE, row.phone_sealed, self.keys, phone_where(row.id))
        return Outgoing(row.id, phone, row.event, row.text, TEMPLATES[row.event].ordered(row.params))

    def _retry(self, row: Notification, now: dt.datetime, error: str) -> None:
        row.attempts += 1
        row.last_error = error[:200]
        if row.attempts >= self.policy.max_attempts:
            row.state = "failed"
        else:
            row.next_attempt_at = now + backoff(row.attempts, self.policy, self.rng)

    # --- what the gateway tells us -------------------------------------------------------------------------
    def apply(self, session: Session, reports: list[Report], replies: list[Reply], now: dt.datetime) -> None:
        for report in reports:
            values = ({"state": "delivered", "delivered_at": now} if report.delivered
                      else {"state": "failed", "last_error": f"report: {report.status}"[:200]})
            session.execute(update(Notification).where(
                Notification.gateway == self.gateway.name, Notification.gateway_msg_id == report.msg_id,
                Notification.state == "sent").values(**values))
        for reply in replies:
            if reply.text.strip().upper() in OPT_OUT_WORDS and self.keys is not None:
                opt_out(session, self.keys, reply.phone, now, source="reply", by="")


def opt_out(session: Session, keys: KeyProvider, phone: str, now: dt.datetime, *, source: str,
            by: str) -> NotificationOptOut:
    """Never send to `phone` again (idempotent); its queued messages fail at their next turn."""
    index = search_key(PHONE, phone, keys)
    row = session.get(NotificationOptOut, index)
    if row is None:
        row = NotificationOptOut(phone_index=index, phone_masked=mask(PHONE, normalise_phone(phone)), source=source,
                                 by=by, at=now)
        session.add(row)
    return row
