"""The case index catches up incrementally: a pull of a few cases re-reads those cases only, rows dropped with
a scope or brought back by a reset are found by the count and sum of seqs, unsent rows lie over confirmed
ones, and a snapshot lets the next login start without reading the cases again. A case's events are read by
the case_id index."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bench.client import generate_cases
from client.services.case_index import CaseIndex
from client.services.rowsql import CASE_EVENTS, RowSql
from shared.db.cache import open_cache
from shared.sync import store

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_cache(tmp_path / "cache.sqlite3")
    generate_cases(engine, 40, TODAY)
    with engine.begin() as conn:
        store.write_cursors(conn, {"hall:1": 1})
    return engine


def _pks(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT pk FROM sync_confirmed WHERE tbl = 'approval_case' ORDER BY pk"))]


def _row(engine: Engine, pk: str) -> dict:
    with engine.connect() as conn:
        return json.loads(conn.execute(text("SELECT row FROM sync_confirmed WHERE tbl = 'approval_case' "
                                            "AND pk = :pk"), {"pk": pk}).scalar())


def _pull(engine: Engine, changes: list[dict], cursor: int) -> None:
    """What SyncClient.pull does with a page: apply the changes, move the cursor."""
    with engine.begin() as conn:
        store.apply_changes(conn, changes)
        store.write_cursors(conn, {"hall:1": cursor})


def _change(pk: str, row: dict, seq: int, op: str = "upsert") -> dict:
    return {"table": "approval_case", "pk": pk, "op": op, "scope": "hall:1", "seq": seq, "row": row}


def test_a_pull_of_a_few_cases_reads_those_cases_only(engine) -> None:  # noqa: ANN001
    index = CaseIndex(engine, "approver")
    assert len(index.entries()) == 40 and index.read_rows == 40
    first, second = _pks(engine)[:2]
    _pull(engine, [_change(first, {**_row(engine, first), "status": "delivered"}, 10),
                   _change(second, {**_row(engine, second), "current_steps": ["close"]}, 11)], 11)
    entries = {e.pk: e for e in index.entries()}
    assert index.read_rows == 42  # the two changed cases, not the forty again
    assert entries[first].status == "delivered" and entries[second].steps == ("close",)
    assert [e.order for e in index.entries()] == sorted(e.order for e in index.entries())


def test_rows_gone_below_the_last_seq_are_found_by_the_count(engine) -> None:  # noqa: ANN001
    index = CaseIndex(engine, "approver")
    index.entries()
    gone, older = _pks(engine)[:2]
    with engine.begin() as conn:  # a scope dropped one case; a reset brought another back at an older seq
        conn.execute(text("DELETE FROM sync_confirmed WHERE pk = :pk"), {"pk": gone})
        conn.execute(text("UPDATE sync_confirmed SET seq = 0, row = json_set(row, '$.status', 'withdrawn') "
                          "WHERE pk = :pk"), {"pk": older})
        store.write_cursors(conn, {"hall:1": 5})
    entries = {e.pk: e for e in index.entries()}
    assert gone not in entries and entries[older].status == "withdrawn" and len(entries) == 39
    assert index.read_rows == 41  # only the case whose seq changed was read again


def test_unsent_rows_lie_over_confirmed_ones_until_dropped(engine) -> None:  # noqa: ANN001
    index = CaseIndex(engine, "approver")
    index.entries()
    pk = _pks(engine)[0]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sync_outbox (seq, command_id, name, version, args, hlc, status, attempts, "
                          "message, server_seq, acknowledged) VALUES (1, 'c1', 'approval.pass_step', 1, '{}', "
                          "'h', 'pending', 0, '', 0, 0)"))
        store.add_pending(conn, "c1", [("approval_case", pk, {**_row(engine, pk), "status": "terminated"})])
    assert {e.pk: e for e in index.entries()}[pk].status == "terminated"
    with engine.begin() as conn:
        store.drop_pending(conn, ["c1"])
    assert {e.pk: e for e in index.entries()}[pk].status == "in_review"


def test_the_next_login_starts_from_the_snapshot(engine, tmp_path) -> None:  # noqa: ANN001
    snapshot = tmp_path / "case_index.bin"
    first = CaseIndex(engine, "approver", {"00785": "特种设备生产许可"}, snapshot)
    first.snapshot_delay = 0.0  # written at once here; in use it waits until the first rows are painted
    before = list(first.entries())
    for _ in range(100):  # written off the caller's path
        if snapshot.exists():
            break
        time.sleep(0.05)
    assert snapshot.stat().st_mode & 0o077 == 0  # applicants' names: the user's own file (issue 18)
    again = CaseIndex(engine, "approver", {"00785": "特种设备生产许可"}, snapshot)
    assert again.entries() == before and again.read_rows == 0
    assert any("特种设备生产许可" in e.text for e in again.entries())
    pk = _pks(engine)[3]
    _pull(engine, [_change(pk, {**_row(engine, pk), "status": "closed"}, 20)], 20)
    later = CaseIndex(engine, "approver", {"00785": "特种设备生产许可"}, snapshot)
    assert {e.pk: e for e in later.entries()}[pk].status == "closed" and later.read_rows == 1
    other = CaseIndex(engine, "clerk", {}, snapshot)  # another user's login: the cases are read afresh
    assert len(other.entries()) == 40 and other.read_rows == 40
    snapshot.write_bytes(b"not a snapshot")
    assert len(CaseIndex(engine, "approver", {}, snapshot).entries()) == 40


def test_a_cases_events_are_an_index_lookup(engine) -> None:  # noqa: ANN001
    case = _pks(engine)[0]
    events = [{"event_id": f"e{i}", "case_id": case if i % 2 else "other", "seq": i} for i in range(1, 7)]
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": "approval_event", "pk": e["event_id"], "op": "upsert",
                                    "scope": "hall:1", "seq": 100 + i, "row": e} for i, e in enumerate(events)])
        plan = " ".join(str(r) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {CASE_EVENTS}"), {"case": case}))
    assert "ix_sync_confirmed_case" in plan
    assert [e["seq"] for e in RowSql(engine).case_events(case)] == [1, 3, 5]
