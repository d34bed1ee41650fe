"""The outbox: commands numbered per device without gaps, written in the caller's transaction together with
the local (optimistic) change, then pushed until the server has answered each one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from shared.sync import store
from shared.sync.tables import outbox, pending


@dataclass(frozen=True)
class Enqueued:
    seq: int
    command_id: str
    hlc: str


def enqueue(conn: Connection, *, name: str, version: int, args: dict, base: dict | None, hlc: str,
            effects: Iterable[tuple[str, str, dict | None]] = ()) -> Enqueued:
    """Add a command and its optimistic effects (table, pk, row or None) inside `conn`'s transaction."""
    seq = (conn.scalar(select(func.max(outbox.c.seq))) or int(store.get_meta(conn, "seq_base", "0"))) + 1
    command_id = str(uuid.uuid4())
    conn.execute(outbox.insert().values(seq=seq, command_id=command_id, name=name, version=version, args=args,
                                        base=base, hlc=hlc, status="pending", attempts=0, message="",
                                        server_seq=0, acknowledged=False))
    store.add_pending(conn, command_id, effects)
    return Enqueued(seq, command_id, hlc)


def next_batch(conn: Connection, limit: int) -> list[dict]:
    rows = conn.execute(select(outbox).where(outbox.c.status == "pending").order_by(outbox.c.seq).limit(limit))
    return [dict(r._mapping) for r in rows]


def pending_count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.status == "pending")) or 0


def wire(entry: dict) -> dict:
    return {k: entry[k] for k in ("seq", "command_id", "name", "version", "args", "base", "hlc")}


def mark_attempt(conn: Connection, seqs: list[int]) -> None:
    conn.execute(update(outbox).where(outbox.c.seq.in_(seqs)).values(attempts=outbox.c.attempts + 1))


def store_results(conn: Connection, results: list[dict]) -> tuple[list[dict], list[str]]:
    """Record the server's answers. A rejected command's optimistic effects are rolled back at once; an
    accepted one keeps them until a complete pull has brought its confirmed rows. Returns (newly rejected,
    accepted command ids whose effects changed nothing on the server)."""
    rejected, settled = [], []
    for r in results:
        row = conn.execute(select(outbox.c.status, outbox.c.command_id, outbox.c.name)
                           .where(outbox.c.seq == r["seq"])).one_or_none()
        if row is None or row.status != "pending" or row.command_id != r["command_id"]:
            continue  # already answered (a duplicated response) or not ours
        conn.execute(update(outbox).where(outbox.c.seq == r["seq"]).values(
            status=r["status"], code=r.get("code"), message=r.get("message", ""), details=r.get("details") or {},
            result=r.get("result") or {}, server_seq=r.get("server_seq", 0)))
        if r["status"] == "rejected":
            store.drop_pending(conn, [row.command_id])
            rejected.append({**r, "name": row.name})
        elif not r.get("server_seq"):
            settled.append(row.command_id)
    store.drop_pending(conn, settled)
    return rejected, settled


def accepted_with_effects(conn: Connection) -> list[str]:
    """Accepted commands whose optimistic rows still wait for the pull that confirms them."""
    ids = select(pending.c.command_id).distinct().scalar_subquery()
    return list(conn.scalars(select(outbox.c.command_id).where(outbox.c.status == "accepted",
                                                              outbox.c.command_id.in_(ids))))
