"""The audit trail as an HMAC-SM3 hash chain: each row's mac covers the previous row's mac and its own
content, so changing, removing or reordering a row breaks every link after it. The chain's head row is locked
by each append (concurrent writers queue up instead of forking the chain); `verify` finds the first broken
link (`python -m server verify-audit`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from hmac import compare_digest

from cryptography.hazmat.primitives import hashes, hmac
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.store.models import AuditChainHead, AuditEntry

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


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session, key: bytes, batch: int = 1000) -> Verdict:
    """Walk the chain from its first linked row; rows from before the chain existed (empty mac) are skipped."""
    previous, checked, started, last_id = "", 0, False, 0
    for entry in _rows(session, batch):
        if not started and not entry.mac:
            continue
        started = True
        if not entry.mac:
            return Verdict(checked, entry.id, "row has no mac (inserted outside the chain)")
        if not compare_digest(link(key, previous, entry), entry.mac):
            return Verdict(checked, entry.id, "mac does not match (row changed, or a row before it removed)")
        previous, last_id, checked = entry.mac, entry.id, checked + 1
    head = session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.last_id, head.last_mac) != (last_id, previous):
        return Verdict(checked, head.last_id, "the chain's last rows are missing (head points past them)")
    return Verdict(checked)


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
