"""A workstation's cache keeps applicants' names sealed under a key of its own, kept beside the cache (0600),
never in it: the file's bytes hold no name, while every reader (the sync client, the row SQL of the lists,
the case index and its snapshot) shows it. A cache written before sealing is sealed when next opened; a cache
whose key file went shows a placeholder instead of failing."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

from sqlalchemy import text

from client.services.case_index import CaseIndex
from client.services.rowsql import RowSql
from shared.db.cache import MIGRATIONS, open_cache
from shared.db.migrate import head_revision
from shared.sync import cache_seal, store

NAME = "欧阳婉清"
PK = "11111111-1111-4111-8111-111111111111"


def _case(name: str = NAME) -> dict:
    return {"id": PK, "hall_id": 1, "case_number": "SL2026000001", "item_code": "00785", "status": "in_review",
            "applicant_name": name, "applicant_kind": "person", "current_steps": ["review"],
            "step_roles": ["reviewer"], "department": "科", "clocks": {"statutory_due": "2026-11-30"}}


def _pull(engine, row: dict, seq: int = 1) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": "approval_case", "pk": PK, "op": "upsert", "scope": "hall:1",
                                    "seq": seq, "row": row}])
        store.write_cursors(conn, {"hall:1": seq})


def _clear_in(path: Path, name: str = NAME) -> bool:
    forms = (name.encode(), json.dumps(name).strip('"').encode())
    return any(any(f in p.read_bytes() for f in forms) for p in path.parent.glob(path.name + "*"))


def test_a_pulled_name_is_sealed_in_the_file_and_shown_by_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "data" / "cache.sqlite3"
    engine = open_cache(path)
    _pull(engine, _case())
    key = cache_seal.key_file(path)
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    with engine.connect() as conn:
        stored = json.loads(conn.execute(text("SELECT row FROM sync_confirmed")).scalar())
        assert stored["applicant_name"].startswith(cache_seal.PREFIX)
        assert store.confirmed_rows(conn, "approval_case")[PK]["applicant_name"] == NAME
        assert store.merged_rows(conn, "approval_case")[PK]["applicant_name"] == NAME
    assert RowSql(engine).by_pks("approval_case", [PK])[PK]["applicant_name"] == NAME
    assert RowSql(engine).rows("approval_case")[0]["applicant_name"] == NAME
    assert any(NAME in e.text for e in CaseIndex(engine, "reviewer").entries())
    engine.dispose()
    assert not _clear_in(path)
    engine = open_cache(path)  # the next start reads them with the same key
    assert RowSql(engine).by_pks("approval_case", [PK])[PK]["applicant_name"] == NAME
    engine.dispose()


def test_an_optimistic_row_is_sealed_too(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sync_outbox (seq, command_id, name, version, args, hlc, status, attempts, "
                          "message, server_seq, acknowledged) VALUES (1, 'c1', 'approval.x', 1, '{}', 'h', "
                          "'pending', 0, '', 0, 0)"))
        store.add_pending(conn, "c1", [("approval_case", PK, _case())])
    assert RowSql(engine).by_pks("approval_case", [PK])[PK]["applicant_name"] == NAME
    with engine.connect() as conn:
        assert store.merged_rows(conn, "approval_case")[PK]["applicant_name"] == NAME
    engine.dispose()
    assert not _clear_in(path)


def test_a_sealed_value_copied_to_another_case_does_not_open(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "cache.sqlite3")
    _pull(engine, _case())
    with engine.begin() as conn:
        row = conn.execute(text("SELECT row FROM sync_confirmed")).scalar()
        conn.execute(text("UPDATE sync_confirmed SET pk = 'another'"))
        conn.execute(text("UPDATE sync_confirmed SET row = :r"), {"r": row})
        shown = store.confirmed_rows(conn, "approval_case")["another"]["applicant_name"]
    assert shown == cache_seal.UNREADABLE
    engine.dispose()


def test_a_cache_written_before_sealing_is_sealed_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:  # as an older GovHall stored it
        conn.execute(text("INSERT INTO sync_confirmed (tbl, pk, scope, seq, row) VALUES "
                          "('approval_case', :pk, 'hall:1', 1, :row)"), {"pk": PK, "row": json.dumps(_case())})
        conn.execute(text("DELETE FROM sync_meta WHERE key = :k"), {"k": cache_seal.SEALED_META})
    engine.dispose()
    old_snapshot = tmp_path / "case_index.bin"
    old_snapshot.write_bytes(len(NAME.encode()).to_bytes(8, "little") + NAME.encode())  # a format-1 file, say
    engine = open_cache(path)
    index = CaseIndex(engine, "reviewer", snapshot=old_snapshot)
    assert any(NAME in e.text for e in index.entries())
    assert not old_snapshot.exists()  # unreadable with the key: gone at once, not when next replaced
    engine.dispose()
    assert not _clear_in(path)


def test_the_case_index_snapshot_is_sealed_and_reads_back(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "cache.sqlite3")
    _pull(engine, _case())
    snapshot = tmp_path / "case_index.bin"
    index = CaseIndex(engine, "reviewer", snapshot=snapshot)
    index.snapshot_delay = 0
    index.entries()
    index._save_snapshot()
    deadline = time.monotonic() + 10
    while not snapshot.exists() and time.monotonic() < deadline:  # written on a thread of its own
        time.sleep(0.01)
    assert not _clear_in(snapshot) and not _clear_in(snapshot, NAME.lower())
    again = CaseIndex(engine, "reviewer", snapshot=snapshot)
    assert any(NAME in e.text for e in again.entries()) and again.read_rows == 0
    engine.dispose()


def test_without_its_key_file_a_cache_shows_a_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    _pull(engine, _case())
    engine.dispose()
    cache_seal.key_file(path).unlink()
    engine = open_cache(path)  # a new key: the old names no longer open
    assert RowSql(engine).by_pks("approval_case", [PK])[PK]["applicant_name"] == cache_seal.UNREADABLE
    _pull(engine, _case(), seq=2)  # the next pull of the case brings it back
    assert RowSql(engine).by_pks("approval_case", [PK])[PK]["applicant_name"] == NAME
    engine.dispose()


def test_a_big_build_opens_the_names_after_it_and_a_search_waits_for_them(tmp_path: Path, monkeypatch) -> None:
    """Over OPEN_INLINE sealed names, the entries are published first and the names opened on a thread; a
    search by name waits for them (Worklist.matching calls wait_names), and the snapshot holds them, sealed."""
    from client.services import case_index
    monkeypatch.setattr(case_index, "OPEN_INLINE", 1)
    engine = open_cache(tmp_path / "cache.sqlite3")
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": "approval_case", "pk": f"{PK[:-1]}{i}", "op": "upsert",
                                    "scope": "hall:1", "seq": i + 1, "row": {**_case(f"{NAME}{i}"),
                                                                             "id": f"{PK[:-1]}{i}"}}
                                   for i in range(3)])
        store.write_cursors(conn, {"hall:1": 3})
    snapshot = tmp_path / "case_index.bin"
    index = CaseIndex(engine, "reviewer", snapshot=snapshot)
    index.snapshot_delay = 0
    assert len(index.entries()) == 3
    index.wait_names(10)
    assert sorted(e.text.split("\n")[1] for e in index.entries()) == [f"{NAME}{i}" for i in range(3)]
    index._save_snapshot()
    deadline = time.monotonic() + 10
    while not snapshot.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    again = CaseIndex(engine, "reviewer", snapshot=snapshot)
    assert sorted(e.text.split("\n")[1] for e in again.entries()) == [f"{NAME}{i}" for i in range(3)]
    assert not _clear_in(snapshot, f"{NAME}1")
    engine.dispose()


ID = "11010519491231002X"
PHONE = "13912345678"


def _receive_args() -> dict:
    return {"case_id": PK, "applicant_name": NAME, "applicant_id": ID, "applicant_phone": PHONE,
            "applicant_kind": "person", "item_code": "00785"}


def test_a_waiting_command_from_before_sealing_is_sealed_when_opened(tmp_path: Path) -> None:
    from shared.sync import outbox
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:  # as an older GovHall queued it: the args in clear
        conn.execute(text("INSERT INTO sync_outbox (seq, command_id, name, version, args, hlc, status, attempts, "
                          "message, server_seq, acknowledged) VALUES (1, 'c1', 'approval.receive', 1, :a, 'h', "
                          "'pending', 0, '', 0, 0)"), {"a": json.dumps(_receive_args())})
        conn.execute(text("DELETE FROM sync_meta WHERE key = :k"), {"k": cache_seal.OUTBOX_SEALED_META})
    engine.dispose()
    engine = open_cache(path)
    with engine.connect() as conn:
        stored = json.loads(conn.execute(text("SELECT args FROM sync_outbox")).scalar())
        assert all(stored[k].startswith(cache_seal.PREFIX) for k in ("applicant_name", "applicant_id",
                                                                     "applicant_phone"))
        assert stored["item_code"] == "00785"
        assert outbox.next_batch(conn, 10)[0]["args"] == _receive_args()
    engine.dispose()
    assert not any(_clear_in(path, v) for v in (NAME, ID, PHONE))


def test_a_waiting_command_whose_key_went_is_pushed_unreadable_not_held(tmp_path: Path) -> None:
    """The server then refuses it (no valid ID number) and the clerk is told; the outbox does not stall."""
    from shared.sync import outbox
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:
        queued = outbox.enqueue(conn, name="approval.receive", version=1, args=_receive_args(), base=None, hlc="h")
    engine.dispose()
    cache_seal.key_file(path).unlink()
    engine = open_cache(path)
    with engine.connect() as conn:
        [entry] = outbox.next_batch(conn, 10)
    assert entry["command_id"] == queued.command_id
    assert entry["args"]["applicant_id"] == cache_seal.UNREADABLE and entry["args"]["item_code"] == "00785"
    engine.dispose()


def _cache_at(path: Path, revision: str):  # noqa: ANN202
    """A cache as an older GovHall left it: migrated to `revision` only, nothing sealed."""
    from alembic import command

    from shared.db.cache import MIGRATIONS
    from shared.db.engine import make_engine
    from shared.db.migrate import _config
    engine = make_engine(f"sqlite:///{path}")
    cfg = _config(MIGRATIONS)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


def test_a_backup_taken_before_sealing_is_sealed_once_the_cache_is(tmp_path: Path) -> None:
    """Migrating an older cache copies it aside first (shared.db.migrate.upgrade): that copy held the names and
    the waiting command's ID number and phone in clear. Once the migrated cache is verified sealed, the copy is
    sealed with the cache's key and rewritten; restored over the cache it still reads back."""
    from shared.db.migrate import backups_of
    from shared.sync import outbox
    path = tmp_path / "cache.sqlite3"
    old = _cache_at(path, "0002_sync_client")
    with old.begin() as conn:
        conn.execute(text("INSERT INTO sync_confirmed (tbl, pk, scope, seq, row) VALUES "
                          "('approval_case', :pk, 'hall:1', 1, :row)"), {"pk": PK, "row": json.dumps(_case())})
        conn.execute(text("INSERT INTO sync_outbox (seq, command_id, name, version, args, hlc, status, attempts, "
                          "message, server_seq, acknowledged) VALUES (1, 'c1', 'approval.receive', 1, :a, 'h', "
                          "'pending', 0, '', 0, 0)"), {"a": json.dumps(_receive_args())})
    old.dispose()
    engine = open_cache(path)  # backs up, migrates, seals the cache, then the backup
    [backup] = backups_of(path)
    assert backup.name == f"cache.sqlite3.before-{head_revision(MIGRATIONS)}.bak"
    assert cache_seal.verified(engine)
    engine.dispose()
    for value in (NAME, ID, PHONE):
        assert not _clear_in(path, value) and not _clear_in(backup, value), value
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # The backup restores: put back over the cache, it opens with the same key file beside it.
    for f in path.parent.glob(path.name + "-*"):
        f.unlink()
    backup.replace(path)
    engine = open_cache(path)
    with engine.connect() as conn:
        assert store.confirmed_rows(conn, "approval_case")[PK]["applicant_name"] == NAME
        assert outbox.next_batch(conn, 10)[0]["args"] == _receive_args()
    engine.dispose()


def test_backups_wait_while_the_cache_still_holds_clear_values(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    engine = open_cache(path)
    with engine.begin() as conn:  # a clear name the sealing missed (say, written by a bare engine)
        conn.execute(text("INSERT INTO sync_confirmed (tbl, pk, scope, seq, row) VALUES "
                          "('approval_case', :pk, 'hall:1', 1, :row)"), {"pk": PK, "row": json.dumps(_case())})
    engine.dispose()
    backup = path.with_name(path.name + ".before-0009_future.bak")
    _cache_at(backup, "0002_sync_client").dispose()
    engine = open_cache(path)
    assert not cache_seal.verified(engine) and cache_seal.seal_backups(engine, path) == []
    engine.dispose()


def test_a_damaged_backup_does_not_stop_the_cache_opening(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    open_cache(path).dispose()
    damaged = path.with_name(f"{path.name}.before-{head_revision(MIGRATIONS)}.bak")
    damaged.write_bytes(b"not a database at all" * 100)
    engine = open_cache(path)
    assert cache_seal.seal_backups(engine, path) == [] and damaged.read_bytes().startswith(b"not a database")
    engine.dispose()
