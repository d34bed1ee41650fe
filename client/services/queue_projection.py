"""The workstation's queue statistics projection: shared/queue/projection facts per hall day, kept in the cache's
`stats_queue_day` table with a fingerprint of the rows they came from, and brought up to date in the
background after each sync pull that changed ticket or rating rows (ProjectionRefresher), so that opening
统计分析 reads stored rows.

A day's fingerprint is, over its `queue_ticket` rows, the `queue_rating` rows of those tickets and the
`rating_rectification` records of those ratings (a rating voided on appeal leaves the figures:
shared/rating/voiding), the count, the sum and the maximum of their sync sequence numbers, confirmed and
pending apart (a pending row counts its outbox seq). Every pull of a changed row brings a higher seq and a deletion lowers the count, so a late offline
push, a rating arriving days later, a 差评 voided on appeal weeks later, a ticket of today moving on or a
command confirmed all change the
fingerprint of exactly the days they touch, and only those days are recomputed from their rows.

What the store covers is kept in `stats_queue_mark`: the cache's version (RowSql.version) and highest ticket or
rating seq when it was last brought up to date, each day's confirmed row counts and the days then holding
unsent rows. A later refresh looks only at the days of rows with a higher seq, of unsent rows now and then
(generated columns with indexes, migration 0012, find a day's tickets and a ticket's ratings); if the row counts no longer add up (a
row deleted from a day nothing else touched) it checks every day's fingerprint instead.

Writes go through the cache's one writer (`write`: the GUI's ops.write, whose single worker serialises every
local write of the workstation); the reading and computing run on the caller's thread, never the GUI's."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable

from sqlalchemy import text

from client.services.rowsql import RowSql
from shared.protocol.queue_rows import rating_of, ticket_of
from shared.queue import projection
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.rating.voiding import voided_ratings

log = logging.getLogger("govhall.statistics")

# ticket_day and rated_ticket: generated columns of the confirmed rows with their indexes (migration 0012)
TICKETS = ("SELECT ticket_day AS day, count(*), sum(seq), max(seq) FROM sync_confirmed "
           "WHERE tbl = 'queue_ticket' AND {days} GROUP BY 1")
# CROSS JOIN keeps the day's tickets the outer loop (SQLite does not reorder it), their ratings sought by index
RATINGS = ("SELECT t.ticket_day AS day, count(*), sum(r.seq), max(r.seq) FROM sync_confirmed t "
           "CROSS JOIN sync_confirmed r ON r.rated_ticket = t.pk AND r.tbl = 'queue_rating' "
           "WHERE t.tbl = 'queue_ticket' AND {days} GROUP BY 1")
# a ticket rating's rectification record has the rating's id (shared/rating/voiding): found by primary key
RECORDS = ("SELECT t.ticket_day AS day, count(*), sum(v.seq), max(v.seq) FROM sync_confirmed t "
           "CROSS JOIN sync_confirmed r ON r.rated_ticket = t.pk AND r.tbl = 'queue_rating' "
           "CROSS JOIN sync_confirmed v ON v.tbl = 'rating_rectification' AND v.pk = r.pk "
           "WHERE t.tbl = 'queue_ticket' AND {days} GROUP BY 1")
CHANGED = ("SELECT DISTINCT ticket_day FROM sync_confirmed WHERE tbl = 'queue_ticket' AND seq > :since "
           "UNION SELECT t.ticket_day FROM sync_confirmed r JOIN sync_confirmed t "
           "ON t.tbl = 'queue_ticket' AND t.pk = r.rated_ticket WHERE r.tbl = 'queue_rating' AND r.seq > :since "
           "UNION SELECT t.ticket_day FROM sync_confirmed v JOIN sync_confirmed r "
           "ON r.tbl = 'queue_rating' AND r.pk = v.pk JOIN sync_confirmed t "
           "ON t.tbl = 'queue_ticket' AND t.pk = r.rated_ticket WHERE v.tbl = 'rating_rectification' AND v.seq > :since")
# the records counted are those of ticket ratings (a case rating's record belongs to no day)
COUNTS = ("SELECT (SELECT count(*) FROM sync_confirmed WHERE tbl = 'queue_ticket'), "
          "(SELECT count(*) FROM sync_confirmed WHERE tbl = 'queue_rating'), "
          "(SELECT count(*) FROM sync_confirmed v JOIN sync_confirmed r ON r.tbl = 'queue_rating' AND r.pk = v.pk "
          "WHERE v.tbl = 'rating_rectification'), "
          "(SELECT max(seq) FROM sync_confirmed WHERE tbl IN ('queue_ticket', 'queue_rating', 'rating_rectification'))")
PENDING = ("SELECT p.tbl, p.pk, p.row, o.seq FROM sync_pending p JOIN sync_outbox o ON o.command_id = p.command_id "
           "WHERE p.tbl IN ('queue_ticket', 'queue_rating', 'rating_rectification')")
TABLES = ("queue_ticket", "queue_rating", "rating_rectification")
MARK_FORMAT = f"{projection.FORMAT}+v"  # the mark's shape: per-day counts of tickets, ratings and their records
PENDING_TAG = {"queue_ticket": "t", "queue_rating": "r", "rating_rectification": "v"}
CHUNK_DAYS = 366  # stale days recomputed per read of their rows (a year at most: what the raw recount held at once)
CELLS = ("tickets", "ratings")  # the cross product, stored apart: a report reads the per-grouping totals only
ALL = ("0000-00-00", "9999-99-99")

Write = Callable[[Callable[[], None]], None]


def _summary(facts: dict) -> dict:
    return {k: v for k, v in facts.items() if k not in CELLS}


def _marks(days: list[str]) -> tuple[str, dict]:
    return ", ".join(f":d{i}" for i in range(len(days))), {f"d{i}": d for i, d in enumerate(days)}


def _ticket_of(tbl: str, row: dict) -> str | None:
    """The ticket a rating row or a ticket rating's rectification record is of."""
    if tbl == "queue_rating":
        return row.get("ticket_id")
    return row.get("subject_id") if row.get("source") == "ticket" else None


class _Plan:
    """What one look at the cache found: the days recomputed (facts), the days that hold no ticket any more,
    and the mark to store with them."""

    def __init__(self, fresh: dict[str, dict], prints: dict[str, str], gone: list[str], mark: dict) -> None:
        self.fresh, self.prints, self.gone, self.mark = fresh, prints, gone, mark


class QueueProjection:
    def __init__(self, sql: RowSql, write: Write | None = None) -> None:
        """`write(fn)` runs fn on the cache's one writer (the GUI's ops.write); without it (single-threaded
        tests and benches) on the calling thread."""
        self.sql = sql
        self.writer = sql.engine.execution_options(govhall_read_only=False)
        self.write = write
        self.recomputed: list[str] = []     # the days the last call recomputed (tests, the bench)
        self.scanned_all = False            # the last call checked every day's fingerprint (tests)
        self._lock = threading.Lock()       # one look at a time: a refresh and a screen's read do not race

    # -- reading -----------------------------------------------------------------------------------------
    def facts(self, first: str, last: str) -> list[dict]:
        """The facts of every day from `first` to `last` (ISO dates) holding tickets, fresh: the stored rows
        when the mark says nothing changed since the last refresh, else the stale days recomputed first."""
        with self._lock:
            plan = self._look()
            with self.sql.engine.connect() as conn:
                stored = {d: facts for d, facts in conn.execute(text(
                    "SELECT day, facts FROM stats_queue_day WHERE day BETWEEN :first AND :last"),
                    {"first": first, "last": last})}
        if plan is None:
            return [json.loads(f) for _, f in sorted(stored.items())]
        out = {d: json.loads(f) for d, f in stored.items() if d not in plan.gone}
        out.update({d: _summary(f) for d, f in plan.fresh.items() if first <= d <= last})
        return [out[d] for d in sorted(out)]

    def refresh(self) -> int:
        """Bring the stored days up to date (a background thread, after a pull). Returns the days recomputed."""
        with self._lock:
            self._look()
            return len(self.recomputed)

    # -- the look ----------------------------------------------------------------------------------------
    def _look(self) -> _Plan | None:
        """Find and recompute the stale days and hand them, with the new mark, to the writer (waiting for it:
        the next look must see them). None: the store was up to date."""
        version = list(self.sql.version(TABLES))
        mark = self._mark()
        self.recomputed, self.scanned_all = [], False
        if mark is not None and mark.get("version") == version:
            return None
        with self.sql.engine.connect() as conn:
            n_tickets, n_ratings, n_records, top = conn.execute(text(COUNTS)).one()
            pending = conn.execute(text(PENDING)).all()
            pending_days = self._pending_days(conn, pending)
            incremental = mark is not None and mark.get("format") == MARK_FORMAT
            if incremental:
                days = {d for d, in conn.execute(text(CHANGED), {"since": mark["since"]}) if d}
                days |= set(pending_days) | set(mark["pending"])
                counts = self._counts(conn, sorted(days))
                held = {d: c for d, c in mark["counts"].items() if d not in days}
                held.update(counts)
                # a row deleted from a day nothing else touched: the counts no longer add up — check every day
                if any(sum(c[i] for c in held.values()) + mark["orphans"][k] != n
                       for k, (i, n) in enumerate(((0, n_tickets), (1, n_ratings), (6, n_records)))):
                    incremental = False
            if not incremental:
                self.scanned_all = True
                counts = self._counts(conn, None)
                days, held = set(counts) | set(pending_days), dict(counts)
            stored = {d: fp for d, fp in conn.execute(text("SELECT day, fingerprint FROM stats_queue_day"))} \
                if not incremental else self._stored_prints(conn, sorted(days))
        prints = self._fingerprints(counts, pending, pending_days)
        stale = sorted(d for d, fp in prints.items() if stored.get(d) != fp)
        gone = sorted(d for d in (stored if not incremental else days) if d in stored and d not in prints)
        fresh: dict[str, dict] = {}
        for start in range(0, len(stale), CHUNK_DAYS):
            fresh.update(self._compute(stale[start:start + CHUNK_DAYS]))
        mark = {"format": MARK_FORMAT, "version": version, "since": top or 0,
                "counts": {d: c for d, c in held.items() if c[0] or c[1] or c[6]}, "pending": sorted(pending_days),
                "orphans": [n_tickets - sum(c[0] for c in held.values()),
                            n_ratings - sum(c[1] for c in held.values()),
                            n_records - sum(c[6] for c in held.values())]}
        plan = _Plan(fresh, prints, gone, mark)
        self._store(plan)
        self.recomputed = stale
        return plan

    def _mark(self) -> dict | None:
        with self.sql.engine.connect() as conn:
            found = conn.execute(text("SELECT mark FROM stats_queue_mark WHERE id = 1")).scalar()
        return json.loads(found) if found else None

    @staticmethod
    def _counts(conn, days: list[str] | None) -> dict[str, list]:  # noqa: ANN001
        """Each day's confirmed [tickets, ratings, ticket seq sum, ticket seq max, rating seq sum, rating seq max,
        records, record seq sum, record seq max] (every day when `days` is None)."""
        if days is not None and not days:
            return {}
        where, params = (f"ticket_day IN ({_marks(days)[0]})", _marks(days)[1]) if days is not None else ("1", {})
        where_t = where.replace("ticket_day", "t.ticket_day")
        out: dict[str, list] = {}
        for day, n, total, top in conn.execute(text(TICKETS.format(days=where)), params):
            out[day] = [n, 0, total, top, 0, 0, 0, 0, 0]
        for day, n, total, top in conn.execute(text(RATINGS.format(days=where_t)), params):
            row = out.setdefault(day, [0] * 9)
            row[1], row[4], row[5] = n, total, top
        for day, n, total, top in conn.execute(text(RECORDS.format(days=where_t)), params):
            row = out.setdefault(day, [0] * 9)
            row[6], row[7], row[8] = n, total, top
        return out

    @staticmethod
    def _stored_prints(conn, days: list[str]) -> dict[str, str]:  # noqa: ANN001
        if not days:
            return {}
        marks, params = _marks(days)
        return {d: fp for d, fp in conn.execute(text(
            f"SELECT day, fingerprint FROM stats_queue_day WHERE day IN ({marks})"), params)}

    def _pending_days(self, conn, pending: list) -> dict[str, list[str]]:  # noqa: ANN001
        """The days of the unsent ticket, rating and rectification rows (a rating's day is its ticket's, a
        ticket rating's record's too; a deletion's the confirmed row's), each with its fingerprint parts."""
        if not pending:
            return {}
        rows: list[tuple[str, str, dict | None, int]] = []
        for tbl, pk, row, seq in pending:
            data = json.loads(row) if row and row != "null" else None
            if data is None:  # the row it deletes
                held = conn.execute(text("SELECT row FROM sync_confirmed WHERE tbl = :t AND pk = :pk"),
                                    {"t": tbl, "pk": pk}).scalar()
                data = json.loads(held) if held else None
            rows.append((tbl, pk, data, seq))
        tickets = {pk: data for tbl, pk, data, _ in rows if tbl == "queue_ticket" and data}
        wanted = {_ticket_of(tbl, data) for tbl, _, data, _ in rows if tbl != "queue_ticket" and data}
        missing = [pk for pk in wanted if pk and pk not in tickets]
        tickets.update(self.sql.by_pks("queue_ticket", missing) if missing else {})
        out: dict[str, list[str]] = {}
        for tbl, pk, data, seq in rows:
            ticket = tickets.get(pk if tbl == "queue_ticket" else _ticket_of(tbl, data or {}))
            day = (ticket or {}).get("day")
            if day is not None:
                out.setdefault(day, []).append(f"p{PENDING_TAG[tbl]}{pk}.{seq}")
        return out

    def _fingerprints(self, counts: dict[str, list], pending: list, pending_days: dict[str, list[str]]) -> dict:
        parts: dict[str, list[str]] = {}
        for day, (nt, nr, st, mt, sr, mr, nv, sv, mv) in counts.items():
            values = parts.setdefault(day, [projection.FORMAT])
            if nt:
                values.append(f"t{nt}.{st}.{mt}")
            if nr:
                values.append(f"r{nr}.{sr}.{mr}")
            if nv:
                values.append(f"v{nv}.{sv}.{mv}")
        for day, values in pending_days.items():
            parts.setdefault(day, [projection.FORMAT]).extend(values)
        return {day: self._digest(values) for day, values in parts.items()}

    @staticmethod
    def _digest(values: list[str]) -> str:
        joined = "|".join(values)
        if len(joined) <= 200:
            return joined
        return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()

    def _compute(self, days: list[str]) -> dict[str, dict]:
        """The days' facts from their merged rows, found through the day and ticket indexes."""
        marks, params = _marks(days)
        with self.sql.engine.connect() as conn:
            pks = [pk for pk, in conn.execute(text(
                f"SELECT pk FROM sync_confirmed WHERE tbl = 'queue_ticket' AND ticket_day IN ({marks})"), params)]
            pks += [pk for pk, in conn.execute(text("SELECT DISTINCT pk FROM sync_pending WHERE tbl = 'queue_ticket'"))]
            rated = [pk for pk, in conn.execute(text(
                "SELECT r.pk FROM sync_confirmed t CROSS JOIN sync_confirmed r ON r.rated_ticket = t.pk "
                f"AND r.tbl = 'queue_rating' WHERE t.tbl = 'queue_ticket' AND t.ticket_day IN ({marks})"), params)]
            rated += [pk for pk, in conn.execute(text("SELECT DISTINCT pk FROM sync_pending WHERE tbl = 'queue_rating'"))]
        wanted = set(days)
        rows = [r for r in self.sql.by_pks("queue_ticket", sorted(set(pks))).values() if r.get("day") in wanted]
        tickets = {r["id"]: ticket_of(r, CHINA_TZ) for r in rows}
        by_day: dict[str, tuple[list, list, set]] = {d: ([], [], set()) for d in days}
        day_of = {r["id"]: r["day"] for r in rows}
        for r in rows:
            group = by_day[r["day"]]
            group[0].append(tickets[r["id"]])
            if CLOSED_UNSERVED in (r.get("flags") or ()):
                group[2].add(r["id"])
        found = []
        for row in self.sql.by_pks("queue_rating", sorted(set(rated))).values():
            ticket = tickets.get(row.get("ticket_id"))
            rating = rating_of(row, ticket, CHINA_TZ) if ticket is not None else None
            if rating is not None:
                found.append((row["id"], ticket.id, rating))
        # only a 差评 has a record (its id is the rating's); one voided on appeal leaves the figures
        voided = voided_ratings(self.sql.by_pks("rating_rectification",
                                                sorted(rid for rid, _, r in found if r.is_bad)).values())
        for rid, ticket_id, rating in found:
            if rid not in voided:
                by_day[day_of[ticket_id]][1].append(rating)
        return {d: projection.facts(t, r, frozenset(u)) for d, (t, r, u) in by_day.items() if t}

    # -- writing -----------------------------------------------------------------------------------------
    def _store(self, plan: _Plan) -> None:
        """On the one writer, in one transaction; waits for it (this runs off the GUI thread)."""
        def write() -> None:
            with self.writer.begin() as conn:
                if plan.fresh:
                    conn.execute(text("INSERT OR REPLACE INTO stats_queue_day (day, fingerprint, facts, cells) "
                                      "VALUES (:day, :fp, :facts, :cells)"),
                                 [{"day": d, "fp": plan.prints[d],
                                   "facts": json.dumps(_summary(f), ensure_ascii=False),
                                   "cells": json.dumps({k: f[k] for k in CELLS}, ensure_ascii=False)}
                                  for d, f in plan.fresh.items()])
                if plan.gone:
                    conn.execute(text("DELETE FROM stats_queue_day WHERE day = :day"), [{"day": d} for d in plan.gone])
                conn.execute(text("INSERT OR REPLACE INTO stats_queue_mark (id, mark) VALUES (1, :mark)"),
                             {"mark": json.dumps(plan.mark)})
        if self.write is None:
            write()
            return
        done, failed = threading.Event(), []

        def on_writer() -> None:
            try:
                write()
            except Exception as exc:  # noqa: BLE001 - raised again on the thread that waits for it
                failed.append(exc)
            finally:
                done.set()
        self.write(on_writer)
        done.wait()
        if failed:
            raise failed[0]


class ProjectionRefresher:
    """Keeps the stored projection fresh: after each sync pull that changed rows (SyncClient.on_pulled, on the
    sync thread) a refresh runs on `run` (a background pool: the GUI's ops.run), one at a time; a pull during a
    refresh asks for one more afterwards."""

    def __init__(self, projection: QueueProjection, run: Callable[[Callable[[], None]], None]) -> None:
        self.projection, self.run = projection, run
        self._lock = threading.Lock()
        self._running = self._again = False
        self.refreshes = 0

    def pulled(self, changes: int) -> None:
        if changes:
            self.kick()

    def kick(self) -> None:
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
        self.run(self._work)

    def _work(self) -> None:
        while True:
            try:
                self.projection.refresh()
            except Exception:  # noqa: BLE001 - the screen recomputes what is stale; the next pull tries again
                log.exception("queue statistics refresh failed")
            self.refreshes += 1
            with self._lock:
                if not self._again:
                    self._running = False
                    return
                self._again = False
