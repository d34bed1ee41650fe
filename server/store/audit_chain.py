"""The audit trail as an HMAC-SM3 hash chain: each row's mac covers the previous row's mac and its own
content, so changing, removing or reordering a row breaks every link after it. The chain's head row is locked
by each append (concurrent writers queue up instead of forking the chain); `verify` finds the first broken
link (`python -m server verify-audit`).

Rows written before the chain existed (migration 0011 left them without a mac) are not skipped: the first time
the server migrates with its key they are chained as a segment of their own, from an empty link, and the
segment's last link and size are recorded (AuditAnchor). The verifier checks that segment against its anchor,
then the live chain; it reports the anchored rows apart, because they are proven unaltered since they were
anchored, not since they were written. Rows without a mac that no anchor covers are reported as unchained."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from hmac import compare_digest

from cryptography.hazmat.primitives import hashes, hmac
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.store.models import AuditAnchor, AuditChainHead, AuditEntry

HEAD_ID = 1
KEY_INFO = "audit_key"  # where Database.session() puts the key in a session's info


class AuditKeyMissing(RuntimeError):
    """A unit of work wrote an audit row without the chain key (its Database was given none)."""


def canonical(entry: AuditEntry) -> bytes:
    at = entry.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    fields = [entry.id, at, entry.actor, entry.device_id, entry.action, entry.outcome, entry.target,
              entry.client_address, entry.detail or {}]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(key: bytes, previous_mac: str, entry: AuditEntry) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(previous_mac.encode("ascii") + b"\x00" + canonical(entry))
    return mac.finalize().hex()


def append(session: Session, entry: AuditEntry) -> None:
    """Add `entry` to the chain in the caller's transaction."""
    key = session.info.get(KEY_INFO)
    if key is None:
        raise AuditKeyMissing("the audit chain key is not configured for this database")
    head = session.get(AuditChainHead, HEAD_ID, with_for_update=True)
    if head is None:
        head = AuditChainHead(id=HEAD_ID, last_id=0, last_mac="")
        session.add(head)
    session.add(entry)
    session.flush()
    entry.mac = link(key, head.last_mac, entry)
    head.last_id, head.last_mac = entry.id, entry.mac


def anchor_unchained(session: Session, key: bytes, now: dt.datetime) -> int:
    """Chain the rows from before the chain (no mac, ahead of its first linked row) as the anchored segment.
    Once: returns how many rows it chained (0 when there are none, or an anchor exists already)."""
    if session.get(AuditAnchor, 1) is not None:
        return 0
    first_linked = session.scalar(select(AuditEntry.id).where(AuditEntry.mac != "").order_by(AuditEntry.id)
                                  .limit(1))
    query = select(AuditEntry).where(AuditEntry.mac == "").order_by(AuditEntry.id)
    if first_linked is not None:
        query = query.where(AuditEntry.id < first_linked)
    previous, rows, last_id = "", 0, 0
    for entry in session.scalars(query):
        entry.mac = previous = link(key, previous, entry)
        rows, last_id = rows + 1, entry.id
    if rows:
        session.add(AuditAnchor(id=1, last_id=last_id, rows=rows, last_mac=previous, anchored_at=now))
        if first_linked is None:  # no live chain yet: it starts after the segment, from an empty link as ever
            head = session.get(AuditChainHead, HEAD_ID) or AuditChainHead(id=HEAD_ID)
            head.last_id, head.last_mac = last_id, ""
            session.add(head)
    return rows


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchored: int = 0  # rows from before the chain, verified as they were when anchored
    anchored_at: dt.datetime | None = None
    unchained: int = 0  # rows from before the chain that no anchor covers: not verified at all

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session, key: bytes, batch: int = 1000) -> Verdict:
    """Walk the anchored segment (if any) against its anchor, then the live chain, to the head."""
    anchor = session.get(AuditAnchor, 1)
    extra = {"anchored": anchor.rows, "anchored_at": anchor.anchored_at} if anchor is not None else {}
    previous, checked, started, last_id, unchained = "", 0, False, 0, 0
    in_segment = anchor is not None
    for entry in _rows(session, batch):
        if in_segment and entry.id > anchor.last_id:  # the segment ends: it must end where its anchor says
            if (checked, previous) != (anchor.rows, anchor.last_mac):
                return Verdict(checked, entry.id, "the rows from before the chain differ from their anchor "
                               "(one removed or added)", **extra)
            in_segment, previous, started = False, "", False  # the live chain starts from an empty link
        if not in_segment and not started and not entry.mac:
            unchained += 1
            continue
        started = True
        if not entry.mac:
            return Verdict(checked, entry.id, "row has no mac (inserted outside the chain)", unchained=unchained,
                           **extra)
        if not compare_digest(link(key, previous, entry), entry.mac):
            return Verdict(checked, entry.id, "mac does not match (row changed, or a row before it removed)",
                           unchained=unchained, **extra)
        previous, last_id, checked = entry.mac, entry.id, checked + 1
    if in_segment:  # nothing after the segment yet
        if (checked, previous) != (anchor.rows, anchor.last_mac):
            return Verdict(checked, anchor.last_id, "the rows from before the chain differ from their anchor "
                           "(the last ones removed)", **extra)
        previous = ""
    head = session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.last_id, head.last_mac) != (last_id, previous):
        return Verdict(checked, head.last_id, "the chain's last rows are missing (head points past them)",
                       unchained=unchained, **extra)
    return Verdict(checked, unchained=unchained, **extra)


def _rows(session: Session, batch: int) -> Iterable[AuditEntry]:
    after = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
                               .limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].id
        session.expunge_all()
