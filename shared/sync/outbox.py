"""The outbox: commands numbered per device without gaps, written in the caller's transaction together with
the local (optimistic) change, then pushed until the server has answered each one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, select, update

from shared.protocol.personal_args import PERSONAL_ARGS, carries_personal, withheld
from shared.sync import store
from shared.sync.cache_seal import sealer_of
from shared.sync.tables import outbox, pending


# Built once (every command and every push run them): building and keying a statement cost more than SQLite
# takes to run it.
_LAST_SEQ = select(func.max(outbox.c.seq))
_INSERT = outbox.insert()
_PENDING = select(outbox).where(outbox.c.status == "pending").order_by(outbox.c.seq).limit(bindparam("limit"))
_ATTEMPT = (update(outbox).where(outbox.c.seq.in_(bindparam("seqs", expanding=True)))
            .values(attempts=outbox.c.attempts + 1))
_WAITING = select(outbox.c.seq, outbox.c.command_id, outbox.c.name).where(
    outbox.c.seq.in_(bindparam("seqs", expanding=True)), outbox.c.status == "pending")
_ANSWER = update(outbox).where(outbox.c.seq == bindparam("b_seq")).values(
    status=bindparam("b_status"), code=bindparam("b_code"), message=bindparam("b_message"),
    details=bindparam("b_details"), result=bindparam("b_result"), server_seq=bindparam("b_server_seq"))


@dataclass(frozen=True)
class Enqueued:
    seq: int
    command_id: str
    hlc: str


def enqueue(conn: Connection, *, name: str, version: int, args: dict, base: dict | None, hlc: str,
            effects: Iterable[tuple[str, str, dict | None]] = ()) -> Enqueued:
    """Add a command and its optimistic effects (table, pk, row or None) inside `conn`'s transaction."""
    seq = (conn.scalar(_LAST_SEQ) or int(store.get_meta(conn, "seq_base", "0"))) + 1
    command_id = str(uuid.uuid4())
    sealer = sealer_of(conn) if name in PERSONAL_ARGS else None
    if sealer is not None:  # ID numbers, phones and names wait sealed until pushed (shared.sync.cache_seal)
        args = sealer.seal_args(name, command_id, args)
    conn.execute(_INSERT, {"seq": seq, "command_id": command_id, "name": name, "version": version, "args": args,
                           "base": base, "hlc": hlc, "status": "pending", "attempts": 0, "message": "",
                           "server_seq": 0, "acknowledged": False})
    store.add_pending(conn, command_id, effects)
    return Enqueued(seq, command_id, hlc)


def next_batch(conn: Connection, limit: int) -> list[dict]:
    """The next commands to push, their sealed personal args opened (in memory only)."""
    rows = [dict(r._mapping) for r in conn.execute(_PENDING, {"limit": limit})]
    sealer = sealer_of(conn) if any(r["name"] in PERSONAL_ARGS for r in rows) else None
    if sealer is not None:
        for row in rows:
            row["args"] = sealer.open_args(row["name"], row["command_id"], row["args"])
    return rows


def pending_count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.status == "pending")) or 0


def wire(entry: dict) -> dict:
    return {k: entry[k] for k in ("seq", "command_id", "name", "version", "args", "base", "hlc")}


def mark_attempt(conn: Connection, seqs: list[int]) -> None:
    conn.execute(_ATTEMPT, {"seqs": seqs})


def store_results(conn: Connection, results: list[dict]) -> tuple[list[dict], list[str]]:
    """Record the server's answers. A rejected command's optimistic effects are rolled back at once; an
    accepted one keeps them until a complete pull has brought its confirmed rows. Returns (newly rejected,
    accepted command ids whose effects changed nothing on the server)."""
    if not results:
        return [], []
    waiting = {r.seq: r for r in conn.execute(_WAITING, {"seqs": [r["seq"] for r in results]})}
    # Only still-pending commands with matching ids: a duplicated response changes nothing.
    answers = [r for r in results if r["seq"] in waiting and waiting[r["seq"]].command_id == r["command_id"]]
    answers = [_with_rows_apart(r) for r in answers]
    if answers:
        conn.execute(_ANSWER, [{"b_seq": r["seq"], "b_status": r["status"], "b_code": r.get("code"), "b_message": r.get("message", ""),
              "b_details": r.get("details") or {}, "b_result": r.get("result") or {},
              "b_server_seq": r.get("server_seq", 0)} for r in answers])
    _forget_personal(conn, [(r["seq"], waiting[r["seq"]].name) for r in answers])
    rejected = [{**r, "name": waiting[r["seq"]].name} for r in answers if r["status"] == "rejected"]
    settled = [r["command_id"] for r in answers if r["status"] == "accepted" and not r.get("server_seq")]
    store.drop_pending(conn, [r["command_id"] for r in rejected] + settled)
    for r in answers:
        if r["status"] == "accepted" and r["rows"] and r.get("server_seq"):
            store.drop_pending(conn, [r["command_id"]])
            store.add_pending(conn, r["command_id"], [(x["table"], x["pk"], x["row"]) for x in r["rows"]])
    return rejected, settled


def _with_rows_apart(answer: dict) -> dict:
    """An online command's answer may carry the rows it changed on the server (`result.rows`, as a pull would
    bring them: e.g. `queue.call_next`). They become the command's pending rows, shown at once over the
    confirmed ones until the complete pull that confirms them drops them, like any accepted command's
    optimistic rows; the stored result keeps the rest."""
    result = dict(answer.get("result") or {})
    rows = result.pop("rows", None) or []
    return {**answer, "result": result, "rows": rows}


def _forget_personal(conn: Connection, answered: list[tuple[int, str]]) -> None:
    """An answered command no longer needs the ID numbers, phones and names it carried: the cache keeps
    its record without them (shared.protocol.personal_args)."""
    seqs = [seq for seq, name in answered if name in PERSONAL_ARGS]
    if not seqs:
        return
    for seq, name, args in conn.execute(select(outbox.c.seq, outbox.c.name, outbox.c.args)
                                        .where(outbox.c.seq.in_(seqs))).all():
        if carries_personal(name, args):  # most tickets carry no phone: leave their rows alone
            conn.execute(update(outbox).where(outbox.c.seq == seq).values(args=withheld(name, args)))


def accepted_with_effects(conn: Connection) -> list[str]:
    """Accepted commands whose optimistic rows still wait for the pull that confirms them."""
    ids = select(pending.c.command_id).distinct().scalar_subquery()
    return list(conn.scalars(select(outbox.c.command_id).where(outbox.c.status == "accepted",
                                                              outbox.c.command_id.in_(ids))))
