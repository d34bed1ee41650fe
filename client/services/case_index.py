"""An in-memory index of the cached cases for worklists, search and supervision figures. JSON rows in SQLite
cannot be filtered and sorted fast enough for 100,000 cases (≈0.5 s a query), so the index holds plain tuples
and every list, count and search is a pass over them (tens of milliseconds).

It is built incrementally: confirmed rows are read again only when their sync seq is above the highest one
already read (an index range, ix_sync_confirmed_seq), unsent optimistic rows are laid over them, and a count
and sum of the seqs held catches what a seq range cannot see (a scope dropped or reset) and repairs just the
difference. A snapshot file keeps the index (seqs read and entries) between runs, so the next login only
catches up.

Applicants' names are sealed in the cache (shared/sync/cache_seal.py). Opening 100,000 of them takes longer
than building the entries, so a big build leaves them out and a thread opens them right after, publishing the
entries again with names (a search waits for it: wait_names); a small catch-up opens its few at once. The
snapshot holds the opened names, sealed whole, record by record, with the cache's key."""

from __future__ import annotations

import json
import logging
import marshal
import os
import threading
import time
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Connection, Engine, text

from shared.approval.overdue import row_due
from shared.crypto.sm4 import DecryptionFailed, open_blob, seal_blob
from shared.sync.cache_seal import PREFIX, sealer_of

# clocks.due: the day 即将超期/超期 judge the case by (shared.approval.overdue.row_due; statutory_due for older rows)
FIELDS = ("case_number", "status", "clocks.due", "step_roles", "department", "current_steps",
          "applicant_name", "item_code", "clocks.statutory_due", "clocks.due_rule")
EXTRACT = "json_extract(row, " + ", ".join(f"'$.{f}'" for f in FIELDS) + ")"
SNAPSHOT_FORMAT = 2  # 2: records sealed (format 1 held names in clear)
SNAPSHOT_AFTER = 1000  # confirmed rows caught up since the last snapshot before writing a new one
SNAPSHOT_CHUNK = 5000
SNAPSHOT_DELAY = 10.0  # seconds after a build before its snapshot is written
OPEN_INLINE = 2000  # sealed names a catch-up opens at once; more are opened on a thread after the build
NAMES_CHUNK = 1000  # names that thread opens between pauses
NAMES_DELAY = 2.0  # seconds that thread waits first: the first rows are painted before it competes for the CPU
log = logging.getLogger(__name__)

Values = list  # the FIELDS of one case row, in order (as json_extract gives them)


class CaseEntry(NamedTuple):
    """A plain tuple: built fast for 100,000 cases and kept as-is in the snapshot."""
    pk: str
    case_number: str
    status: str
    due: str | None
    roles: frozenset[str]
    participants: frozenset[str]
    department: str
    steps: tuple[str, ...]
    text: str  # what search matches: number, applicant (masked), item

    @property
    def order(self) -> tuple:
        return _order(self)


def _order(e: CaseEntry) -> tuple:
    return (e.due is None, e.due or "", e.pk)


def _values(extracted: str) -> Values:
    return json.loads(extracted)


@dataclass
class _Layer:
    """What has been read of the confirmed rows: each case's seq and this user's cases, with the count and
    sum of the seqs held (what the cache must show too, or something changed below the last seq read)."""
    cases: dict[str, int]
    case_seq: int = 0
    case_sum: int = 0
    mine: set[str] | None = None  # cases whose confirmed events name this user as the actor
    event_seq: int = 0
    event_count: int = 0
    event_sum: int = 0


class CaseIndex:
    def __init__(self, engine: Engine, user: str = "", item_names: dict[str, str] | None = None,
                 snapshot: Path | None = None) -> None:
        """`user`: whose 在办/已办 (cases this user acted on, from the events); `item_names`: code → name;
        `snapshot`: a file keeping the index between runs (None: rebuilt each run)."""
        self.engine, self.user, self.item_names, self.snapshot = engine, user, item_names or {}, snapshot
        self._layer: _Layer | None = None
        self._fresh: dict[str, Values] = {}  # confirmed values read in this catch-up
        self._pending: dict[str, Values | None] = {}  # unsent rows over the confirmed ones (None: deleted)
        self._mine_pending: set[str] = set()
        self._entries: dict[str, CaseEntry] = {}
        self._sorted: list[CaseEntry] = []
        self._cursors: tuple | None = None
        self._since_snapshot = 0
        self.generation = 0  # grows with every change, so derived lists know when to recompute
        self.read_rows = 0   # case rows read from the cache so far (tests and benchmarks)
        self._lock = threading.Lock()
        self._loading = threading.Lock()  # one (re)load at a time; a second caller then finds it fresh
        self._roles: dict[tuple, frozenset[str]] = {}
        self._me, self._nobody = frozenset({user}), frozenset()
        self.snapshot_delay = SNAPSHOT_DELAY
        self.sealer = sealer_of(engine)
        self._unopened: dict[str, str] = {}  # pk → sealed name, for entries built without it
        self._defer = False
        self._names_done = threading.Event()
        self._names_done.set()
        self._save_wanted = False
        self.names_delay = NAMES_DELAY

    # -- public ------------------------------------------------------------------------------------------
    def ensure(self) -> None:
        """Load on first use; catch up when sync moved a cursor or the outbox changed since the last look."""
        with self._loading:
            state = self._state()
            if state == self._cursors:
                return
            with self.engine.connect() as conn, conn.begin():  # one read snapshot: counts agree with rows
                first = self._layer is None
                if first:
                    self._layer = self._load_snapshot()
                if self._layer is None:
                    self._layer = _Layer({})
                changed = self._catch_up(conn, self._layer)
                changed |= self._overlay(conn)
                self._rebuild(conn, changed if self._entries or not first else None)
            self._fresh = {}
            self._cursors = state
            if self._unopened and self._names_done.is_set():
                self._names_done.clear()
                threading.Thread(target=self._open_names, name="case-index-names", daemon=True).start()
            if self._since_snapshot >= SNAPSHOT_AFTER or (first and self._since_snapshot):
                self._save_snapshot()

    def update(self, pks: Iterable[str]) -> None:
        """After this workstation acted on cases: their optimistic rows are in the outbox, so catching up
        re-reads just them."""
        self.ensure()

    def wait_names(self, timeout: float = 60.0) -> None:
        """Until the applicants' names of a big build are in the entries (what a search by name needs)."""
        self._names_done.wait(timeout)

    def case_number(self, pk: str) -> str:
        entry = self._entries.get(pk)
        return entry.case_number if entry else pk[:8]

    def entries(self) -> list[CaseEntry]:
        """All cases, ordered by due day (none last), then id."""
        self.ensure()
        return self._sorted

    # -- reading -----------------------------------------------------------------------------------------
    def _state(self) -> tuple:
        with self.engine.connect() as conn:
            cursors = tuple(sorted(conn.execute(text("SELECT scope, cursor FROM sync_cursor")).all()))
            outbox = conn.execute(text("SELECT coalesce(max(seq), 0), count(*) FROM sync_outbox")).one()
            pending = conn.execute(text("SELECT count(*) FROM sync_pending")).scalar()
        return cursors, tuple(outbox), pending

    def _catch_up(self, conn: Connection, layer: _Layer) -> set[str]:
        """Confirmed case rows above the last seq read; then, if the count or sum of seqs disagrees with the
        cache (rows dropped with a scope, a reset brought older ones), just the difference."""
        # Nothing read yet: a plain scan (+tbl keeps SQLite off the seq index, slower for reading every row).
        where = "seq > :seq" if layer.cases else "+tbl = 'approval_case'"
        changed = self._read_cases(conn, layer, where, {"seq": layer.case_seq})
        count, total = conn.execute(text("SELECT count(*), coalesce(sum(seq), 0) FROM sync_confirmed "
                                         "WHERE tbl = 'approval_case'")).one()
        if count != len(layer.cases) or total != layer.case_sum:
            held = dict(conn.execute(text("SELECT pk, seq FROM sync_confirmed WHERE tbl = 'approval_case'")).all())
            for pk in layer.cases.keys() - held.keys():
                layer.case_sum -= layer.cases.pop(pk)
                changed.add(pk)
            stale = [pk for pk, seq in held.items() if layer.cases.get(pk) != seq]
            changed |= self._read_cases_by_pk(conn, layer, stale)
        changed |= self._catch_up_mine(conn, layer)
        self._since_snapshot += len(changed)
        return changed

    def _read_cases_by_pk(self, conn: Connection, layer: _Layer | None, pks: list[str]) -> set[str]:
        changed: set[str] = set()
        for start in range(0, len(pks), 500):
            chunk = pks[start:start + 500]
            marks = ",".join(f":k{i}" for i in range(len(chunk)))
            changed |= self._read_cases(conn, layer, f"pk IN ({marks})", {f"k{i}": pk for i, pk in enumerate(chunk)})
        return changed

    def _read_cases(self, conn: Connection, layer: _Layer | None, where: str, params: dict) -> set[str]:
        """Confirmed case rows into `_fresh` (and their seqs into `layer`, unless only the values are wanted).
        Straight from the driver in bulk: on a first build this is 100,000 rows."""
        cursor = conn.connection.cursor()
        try:
            cursor.execute(f"SELECT pk, seq, {EXTRACT} FROM sync_confirmed WHERE tbl = 'approval_case' AND {where}",
                           params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        loads = json.loads
        self._fresh.update({pk: loads(extracted) for pk, _, extracted in rows})
        if layer is not None and rows:
            held = layer.cases
            layer.case_sum += sum(seq - held.get(pk, 0) for pk, seq, _ in rows)
            held.update((pk, seq) for pk, seq, _ in rows)
            layer.case_seq = max(layer.case_seq, max(seq for _, seq, _ in rows))
        self.read_rows += len(rows)
        return {pk for pk, _, _ in rows}

    def _catch_up_mine(self, conn: Connection, layer: _Layer) -> set[str]:
        """Cases this user acted on, from the confirmed events above the last seq read (all of them on the
        first run, for another user's snapshot, or when the events' count or sum disagrees)."""
        before = set(layer.mine or ())
        count, total = conn.execute(text("SELECT count(*), coalesce(sum(seq), 0) FROM sync_confirmed "
                                         "WHERE tbl = 'approval_event'")).one()
        if layer.mine is None:
            layer.mine, layer.event_seq, layer.event_count, layer.event_sum = set(), -1, 0, 0
        rows = conn.execute(text(
            "SELECT seq, case_id, json_extract(row, '$.actor.user_id') FROM sync_confirmed "
            "WHERE tbl = 'approval_event' AND seq > :seq"), {"seq": layer.event_seq}).all()
        layer.event_count += len(rows)
        layer.event_sum += sum(r[0] for r in rows)
        layer.event_seq = max([layer.event_seq, 0, *(r[0] for r in rows)])
        layer.mine |= {case for _, case, who in rows if who == self.user}
        if (count, total) != (layer.event_count, layer.event_sum):  # events went or came back below the seq
            layer.mine = None
            return self._catch_up_mine(conn, layer) | before
        return before ^ layer.mine

    def _overlay(self, conn: Connection) -> set[str]:
        """Unsent optimistic case rows (the newest per case wins; a null row deletes) and this user's own
        unsent events: few, so read whole each time."""
        pending: dict[str, Values | None] = {}
        rows = conn.execute(text(
            "SELECT p.pk, CASE WHEN p.row IS NULL OR p.row = 'null' THEN NULL ELSE "
            f"{EXTRACT.replace('(row', '(p.row')} END FROM sync_pending p "
            "JOIN sync_outbox o ON o.command_id = p.command_id WHERE p.tbl = 'approval_case' ORDER BY o.seq"))
        for pk, extracted in rows:
            pending[pk] = _values(extracted) if extracted is not None else None
        mine = {r[0] for r in conn.execute(text(
            "SELECT DISTINCT json_extract(row, '$.case_id') FROM sync_pending WHERE tbl = 'approval_event' "
            "AND row IS NOT NULL AND json_extract(row, '$.actor.user_id') = :me"), {"me": self.user})}
        changed = set(pending) | set(self._pending) | (mine ^ self._mine_pending)
        self._pending, self._mine_pending = pending, mine
        return changed

    # -- building ----------------------------------------------------------------------------------------
    def _rebuild(self, conn: Connection, changed: set[str] | None) -> None:
        """Entries for the changed cases (all of them when `changed` is None), kept in order by due day: a
        few changes move a few entries, many re-sort the list."""
        layer = self._layer
        assert layer is not None and layer.mine is not None
        pks = changed if changed is not None else layer.cases.keys() | self._pending.keys()
        self._defer = self.sealer is not None and len(pks) > OPEN_INLINE
        unread = [pk for pk in pks if pk not in self._pending and pk in layer.cases and pk not in self._fresh]
        self._read_cases_by_pk(conn, None, unread)  # an unsent row dropped: the confirmed one shows again
        if changed is None:  # everything: one pass, one sort
            merged: dict[str, Values | None] = {pk: self._fresh[pk] for pk in layer.cases}
            merged.update(self._pending)
            mine, mine_pending, entry = layer.mine, self._mine_pending, self._entry
            entries = {pk: entry(pk, v, pk in mine or pk in mine_pending) for pk, v in merged.items() if v is not None}
            self._publish(entries, sorted(entries.values(), key=_order))
            return
        entries = dict(self._entries)
        ordered = list(self._sorted) if len(pks) < SNAPSHOT_AFTER else None
        for pk in pks:
            values = self._pending[pk] if pk in self._pending else self._fresh.get(pk) if pk in layer.cases else None
            old = entries.pop(pk, None)
            if ordered is not None and old is not None:
                del ordered[bisect_left(ordered, _order(old), key=_order)]
            if values is not None:
                entry = entries[pk] = self._entry(pk, values, pk in layer.mine or pk in self._mine_pending)
                if ordered is not None:
                    insort(ordered, entry, key=_order)
        self._publish(entries, ordered if ordered is not None else sorted(entries.values(), key=_order))

    def _publish(self, entries: dict[str, CaseEntry], ordered: list[CaseEntry]) -> None:
        with self._lock:
            self._entries, self._sorted = entries, ordered
            self.generation += 1

    def _entry(self, pk: str, values: Values, mine: bool) -> CaseEntry:
        number, status, due, roles, department, steps, applicant, item_code, statutory, rule = values
        due = row_due({"due": due, "statutory_due": statutory, "due_rule": rule})
        key = tuple(roles or ())
        role_set = self._roles.get(key)
        if role_set is None:
            role_set = self._roles[key] = frozenset(key)
        item = self.item_names.get(item_code or "", item_code or "")
        if self.sealer is not None and isinstance(applicant, str) and applicant.startswith(PREFIX):
            if self._defer:
                self._unopened[pk], applicant = applicant, ""
            else:
                applicant = self.sealer.open_value("approval_case", pk, "applicant_name", applicant)
                self._unopened.pop(pk, None)
        elif self._unopened:
            self._unopened.pop(pk, None)
        return CaseEntry(pk, number or "", status or "", due, role_set, self._me if mine else self._nobody,
                         department or "", tuple(steps or ()), f"{number or ''}\n{applicant or ''}\n{item}".lower())

    def _open_names(self) -> None:
        """The names left out of a big build, opened off the loading lock and laid into the entries under it —
        unless the entry was built again meanwhile (with its own name, or another sealed one to open next)."""
        try:
            time.sleep(self.names_delay)
            while True:
                with self._loading:
                    todo = dict(self._unopened)
                if not todo:
                    return
                sealer = self.sealer
                assert sealer is not None
                opened, items = {}, list(todo.items())
                for start in range(0, len(items), NAMES_CHUNK):
                    opened.update((pk, sealer.open_value("approval_case", pk, "applicant_name", v))
                                  for pk, v in items[start:start + NAMES_CHUNK])
                    time.sleep(0.002)  # let the GUI thread in between chunks (it is painting the first rows)
                with self._loading:
                    fresh = {}
                    for pk, name in opened.items():
                        if self._unopened.get(pk) != todo[pk]:
                            continue
                        del self._unopened[pk]
                        entry = self._entries.get(pk)
                        if entry is not None:
                            number, _, item = entry.text.split("\n", 2)
                            fresh[pk] = entry._replace(text=f"{number}\n{str(name).lower()}\n{item}")
                    if fresh:
                        self._publish({**self._entries, **fresh}, [fresh.get(e.pk, e) for e in self._sorted])
        except Exception:  # noqa: BLE001  searches then miss names, nothing else: say so, do not die silently
            log.exception("applicants' names of the case index not opened")
        finally:
            self._names_done.set()
            if self._save_wanted:
                self._save_wanted = False
                self._save_snapshot()

    # -- snapshot ----------------------------------------------------------------------------------------
    def _load_snapshot(self) -> _Layer | None:
        """The layer and the entries as last saved — for this user and these item names only (they are in
        the entries); the unsent rows then laid over them are re-read as changed."""
        if self.snapshot is None or not self.snapshot.exists():
            return None
        try:
            records = self._opened(_records(self.snapshot.read_bytes()))
            data = marshal.loads(next(records))
            if (data.get("format"), data.get("fields"), data.get("user"), data.get("items")) != (
                    SNAPSHOT_FORMAT, FIELDS, self.user, sorted(self.item_names.items())):
                return None
            layer = _Layer(data["cases"], data["case_seq"], data["case_sum"], set(data["mine"]),
                           data["event_seq"], data["event_count"], data["event_sum"])
            entries: list[CaseEntry] = []
            for record in records:
                entries += map(CaseEntry._make, marshal.loads(record))
            self._sorted, self._entries = entries, {e.pk: e for e in entries}
            self._pending = dict.fromkeys(data["overlaid"])  # what was laid over then: re-derived now
            self._mine_pending = set(data["mine_pending"])
            return layer
        except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, StopIteration,
                DecryptionFailed):
            # unreadable (damaged, another version, another key): simply build afresh — and an older one,
            # which may hold names in clear, goes now rather than when the new one replaces it
            log.warning("case index snapshot %s unreadable; rebuilding", self.snapshot)
            self.snapshot.unlink(missing_ok=True)
            self._sorted, self._entries, self._pending, self._mine_pending = [], {}, {}, set()
            return None

    def _save_snapshot(self) -> None:
        """Written on a thread of its own after `snapshot_delay` seconds, in chunks (each marshal call holds the
        interpreter: small ones keep the GUI thread responsive), from copies taken here; atomically replaced."""
        if self.snapshot is None or self._layer is None:
            return
        if not self._names_done.is_set():  # saved once the names are in (the thread opening them saves then)
            self._save_wanted = True
            return
        layer, path, entries = self._layer, self.snapshot, self._sorted
        chunks = range(0, len(entries), SNAPSHOT_CHUNK)
        head = {"format": SNAPSHOT_FORMAT, "fields": FIELDS, "user": self.user,
                "items": sorted(self.item_names.items()), "cases": dict(layer.cases), "case_seq": layer.case_seq,
                "case_sum": layer.case_sum, "mine": sorted(layer.mine or ()), "event_seq": layer.event_seq,
                "event_count": layer.event_count, "event_sum": layer.event_sum, "overlaid": list(self._pending),
                "mine_pending": sorted(self._mine_pending)}
        self._since_snapshot = 0
        sealer = self.sealer

        def seal(n: int, record: bytes) -> bytes:  # each record bound to its place in this file
            return record if sealer is None else seal_blob(record, sealer.key, f"case_index:{path.name}:{n}")

        def write() -> None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{threading.get_ident()}.partial")  # writers never share one
                # Applicants' names are in it (sealed): readable by the workstation's user only, like the cache.
                with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                    _write_record(f, seal(0, marshal.dumps(head)))
                    for n, start in enumerate(chunks, 1):
                        _write_record(f, seal(n, marshal.dumps([tuple(e) for e in
                                                                entries[start:start + SNAPSHOT_CHUNK]])))
                        time.sleep(0.002)  # let the GUI thread in between chunks
                os.replace(partial, path)
            except OSError:
                log.warning("case index snapshot %s not written", path, exc_info=True)
        timer = threading.Timer(self.snapshot_delay, write)  # not while the first rows are being painted
        timer.daemon = True
        timer.start()

    def _opened(self, records: Iterator[memoryview]) -> Iterator[bytes | memoryview]:
        if self.sealer is None:
            yield from records
            return
        assert self.snapshot is not None
        for n, record in enumerate(records):
            yield open_blob(bytes(record), self.sealer.key, self.sealer.key.current_key_id,
                            f"case_index:{self.snapshot.name}:{n}")


def _write_record(f, payload: bytes) -> None:  # noqa: ANN001
    f.write(len(payload).to_bytes(8, "little") + payload)


def _records(data: bytes) -> Iterator[memoryview]:
    """The length-prefixed records of a snapshot (marshal.loads on bytes is much faster than marshal.load on a
    file, which reads in small pieces)."""
    view, at = memoryview(data), 0
    while at < len(view):
        size = int.from_bytes(view[at:at + 8], "little")
        if at + 8 + size > len(view):
            raise EOFError("truncated case index snapshot")
        yield view[at + 8:at + 8 + size]
        at += 8 + size
