"""The workstation's queue statistics projection: shared/queue/projection facts per hall day, kept in the cache's
`stats_queue_day` table with a fingerprint of the rows they came from.

A day's fingerprint is, over its `queue_ticket` rows and the `queue_rating` rows of those tickets, the count, the
sum and the maximum of their sync sequence numbers, confirmed and pending apart (a pending row counts its
outbox seq). Every pull of a changed row brings a higher seq and a deletion lowers the count, so a late offline
push, a rating arriving days later, a ticket of today moving on or a command confirmed all change the
fingerprint of exactly the days they touch, and only those days are recomputed from their rows."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import text

from client.services.rowsql import RowSql
from shared.protocol.queue_rows import rating_of, ticket_of
from shared.queue import projection
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED

TICKETS = ("SELECT json_extract(row, '$.day') AS day, count(*), sum(seq), max(seq) FROM sync_confirmed "
           "WHERE tbl = 'queue_ticket' AND json_extract(row, '$.day') BETWEEN :first AND :last GROUP BY 1")
RATINGS = ("SELECT json_extract(t.row, '$.day') AS day, count(*), sum(r.seq), max(r.seq) FROM sync_confirmed r "
           "JOIN sync_confirmed t ON t.tbl = 'queue_ticket' AND t.pk = json_extract(r.row, '$.ticket_id') "
           "WHERE r.tbl = 'queue_rating' AND json_extract(t.row, '$.day') BETWEEN :first AND :last GROUP BY 1")
PENDING = ("SELECT p.tbl, p.pk, p.row, o.seq FROM sync_pending p JOIN sync_outbox o ON o.command_id = p.command_id "
           "WHERE p.tbl IN ('queue_ticket', 'queue_rating')")
TABLES = ("queue_ticket", "queue_rating")
CHUNK_DAYS = 366  # stale days recomputed per read of their rows (a year at most: what the raw recount held at once)
CELLS = ("tickets", "ratings")  # the cross product, stored apart: a report reads the per-grouping totals only


def _summary(facts: dict) -> dict:
    return {k: v for k, v in facts.items() if k not in CELLS}


class QueueProjection:
    def __init__(self, sql: RowSql) -> None:
        self.sql = sql
        self.writer = sql.engine.execution_options(govhall_read_only=False)
        self.recomputed: list[str] = []     # the days the last call recomputed (tests, the bench)
        self._checked: dict[tuple[str, str], tuple] = {}  # range → the cache's version when last checked

    def facts(self, first: str, last: str) -> list[dict]:
        """The facts of every day from `first` to `last` (ISO dates) holding tickets, fresh. While no ticket or
        rating row of the cache changed (RowSql.version) since this range was last checked, the stored days
        are read as they are, without the fingerprints' scan."""
        version = self.sql.version(TABLES)
        if self._checked.get((first, last)) == version:
            with self.sql.engine.connect() as conn:
                found = [json.loads(facts) for facts, in conn.execute(text(
                    "SELECT facts FROM stats_queue_day WHERE day BETWEEN :first AND :last ORDER BY day"),
                    {"first": first, "last": last})]
            self.recomputed = []
            return found
        prints = self._fingerprints(first, last)
        with self.sql.engine.connect() as conn:
            stored = {d: (fp, facts) for d, fp, facts in conn.execute(text(
                "SELECT day, fingerprint, facts FROM stats_queue_day WHERE day BETWEEN :first AND :last"),
                {"first": first, "last": last})}
        out, stale = [], []
        for day, fp in sorted(prints.items()):
            if day in stored and stored[day][0] == fp:
                out.append(json.loads(stored[day][1]))
            else:
                stale.append(day)
        self.recomputed = stale
        for start in range(0, len(stale), CHUNK_DAYS):
            fresh = self._compute(stale[start:start + CHUNK_DAYS])
            with self.writer.begin() as conn:
                conn.execute(text("INSERT OR REPLACE INTO stats_queue_day (day, fingerprint, facts, cells) "
                                  "VALUES (:day, :fp, :facts, :cells)"),
                             [{"day": d, "fp": prints[d], "facts": json.dumps(_summary(f), ensure_ascii=False),
                               "cells": json.dumps({k: f[k] for k in CELLS}, ensure_ascii=False)}
                              for d, f in fresh.items()])
            out.extend(_summary(f) for f in fresh.values())
        # days that no longer hold a ticket (a reset, a deletion) leave the store, so the fast path reads none
        gone = [d for d in stored if d not in prints]
        if gone:
            with self.writer.begin() as conn:
                conn.execute(text("DELETE FROM stats_queue_day WHERE day = :day"), [{"day": d} for d in gone])
        self._checked[(first, last)] = version
        return out

    def _fingerprints(self, first: str, last: str) -> dict[str, str]:
        parts: dict[str, list[str]] = {}
        params = {"first": first, "last": last}
        with self.sql.engine.connect() as conn:
            for label, sql in (("t", TICKETS), ("r", RATINGS)):
                for day, n, total, top in conn.execute(text(sql), params):
                    parts.setdefault(day, [projection.FORMAT]).append(f"{label}{n}.{total}.{top}")
            pending = conn.execute(text(PENDING)).all()
        if pending:  # few rows: unsent commands; a rating's day is its ticket's
            tickets = {pk: json.loads(row) for tbl, pk, row, _ in pending if tbl == "queue_ticket" and row}
            rated = [json.loads(row).get("ticket_id") for tbl, _, row, _ in pending if tbl == "queue_rating" and row]
            missing = [pk for pk in rated if pk and pk not in tickets]
            tickets.update(self.sql.by_pks("queue_ticket", missing) if missing else {})
            for tbl, pk, row, seq in pending:
                data = json.loads(row) if row else None
                ticket = tickets.get(pk) if tbl == "queue_ticket" else tickets.get((data or {}).get("ticket_id"))
                day = (ticket or {}).get("day")
                if day is None:   # a deletion: which day it left is not known here, so recompute them all
                    for key in parts:
                        parts[key].append(f"x{tbl}{pk}.{seq}")
                elif first <= day <= last:
                    parts.setdefault(day, [projection.FORMAT]).append(f"p{tbl[6]}{pk}.{seq}")
        return {day: self._digest(values) for day, values in parts.items()}

    @staticmethod
    def _digest(values: list[str]) -> str:
        joined = "|".join(values)
        if len(joined) <= 200:
            return joined
        return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()

    def _compute(self, days: list[str]) -> dict[str, dict]:
        marks = ", ".join(f":d{i}" for i in range(len(days)))
        params = {f"d{i}": d for i, d in enumerate(days)}
        rows = self.sql.rows("queue_ticket", f"json_extract(row, '$.day') IN ({marks})", params=params)
        tickets = {r["id"]: ticket_of(r, CHINA_TZ) for r in rows}
        rated = self.sql.rows("queue_rating", "json_extract(row, '$.ticket_id') IN (SELECT pk FROM sync_confirmed "
                              f"WHERE tbl = 'queue_ticket' AND json_extract(row, '$.day') IN ({marks}) "
                              "UNION SELECT pk FROM sync_pending WHERE tbl = 'queue_ticket')", params=params)
        by_day: dict[str, tuple[list, list, set]] = {d: ([], [], set()) for d in days}
        day_of = {r["id"]: r["day"] for r in rows}
        for r in rows:
            group = by_day[r["day"]]
            group[0].append(tickets[r["id"]])
            if CLOSED_UNSERVED in (r.get("flags") or ()):
                group[2].add(r["id"])
        for row in rated:
            ticket = tickets.get(row.get("ticket_id"))
            rating = rating_of(row, ticket, CHINA_TZ) if ticket is not None else None
            if rating is not None:
                by_day[day_of[ticket.id]][1].append(rating)
        return {d: projection.facts(t, r, frozenset(u)) for d, (t, r, u) in by_day.items() if t}
