"""Migration 0012 seals the personal data a database already holds (issue 18): an applicant's name in
approval_case (sealed, blind-indexed) and in the change log's approval_case rows, the personal args of
approval.receive in the command log, the names of a person-register mismatch (masked); it refuses to run
without the keys when there is something to seal. The server then reads the name back and finds the case."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from server.store.database import MIGRATIONS
from shared.db.engine import make_engine
from shared.db.migrate import upgrade

KEYS = {"GOVHALL_PII_KEYS": "k1:00112233445566778899aabbccddeeff", "GOVHALL_PII_INDEX_KEY": "ab" * 32}
NAME, PERSON_ID, PHONE = "欧阳娜娜", "11010519491231002X", "13812345678"
CASE = "0b0e3f9e-8f1c-4d1e-9a55-3f4b0c1d2e3f"


def _at_0005(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005_ticket_print_state")
    engine.dispose()
    mismatch = [{"code": "name_mismatch", "register": "person", "registered_name": "欧阳娜",
                 "given_name": NAME}]
    with sqlite3.connect(path) as db:  # rows as the code before 0012 wrote them
        db.execute("INSERT INTO centre (id, code, name) VALUES (1, 'C', '中心')")
        db.execute("INSERT INTO hall (id, centre_id, code, name, address) VALUES (1, 1, 'H', '大厅', '')")
        db.execute("INSERT INTO device (id, kind, name, hall_id, active, registered_at) VALUES "
                   "('d1', 'workstation', 'ws', 1, 1, '2026-11-01 00:00:00')")
        db.execute("INSERT INTO approval_case (id, hall_id, case_number, item_code, situation_code, "
                   "definition_version, applicant_name, applicant_kind, applicant_id_sealed, applicant_id_masked, "
                   "applicant_key, phone_masked, status, version, current_steps, department, town, channel, "
                   "received_on, urgent, mismatches) VALUES (?, 1, 'DG2026-000001', 'X', 'S', 1, ?, 'person', "
                   "'v1.k1.x', '110105********002X', 'k', '', 'received', 1, '[]', '', '', 'counter', "
                   "'2026-11-02', 0, ?)", (CASE, NAME, json.dumps(mismatch, ensure_ascii=False)))
        row = {"id": CASE, "applicant_name": NAME, "mismatches": mismatch}
        db.execute("INSERT INTO change_log (hall_id, scope, seq, tbl, pk, op, row, at) VALUES "
                   "(1, 'hall:1', 1, 'approval_case', ?, 'upsert', ?, '2026-11-02 02:00:00')",
                   (CASE, json.dumps(row, ensure_ascii=False)))
        args = {"case_id": CASE, "applicant_name": NAME, "applicant_id": PERSON_ID, "applicant_phone": PHONE,
                "item_code": "X"}
        db.execute("INSERT INTO command_log (device_id, seq, command_id, hall_id, name, version, args, hlc, "
                   "status, message, http_status, details, result, server_seq, received_at) VALUES "
                   "('d1', 1, 'c1', 1, 'approval.receive', 1, ?, 'h', 'accepted', '', 200, '{}', '{}', 1, "
                   "'2026-11-02 02:00:00')", (json.dumps(args, ensure_ascii=False),))


def test_existing_personal_data_is_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "server.sqlite3"
    _at_0005(path)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    raw = path.read_bytes()
    for clear in (NAME, PERSON_ID, PHONE):
        assert clear.encode() not in raw, f"{clear} still in clear in the database file"
    from server.approval.command_log import open_logged
    from server.approval.identity import pii_keys
    from server.approval.models import ApprovalCase
    from server.approval.published import open_published
    from server.store.database import Database
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        case = s.get(ApprovalCase, CASE)
        assert case.applicant_name == NAME and case.mismatches[0]["given_name"] == "欧***"
        from server.approval.queries import Filters, search
        assert [c.id for c in search(s, Filters(1, name=f" {NAME} "))] == [CASE]
        stored = s.execute(text("SELECT pk, row FROM change_log")).one()
        row = json.loads(stored.row) if isinstance(stored.row, str) else stored.row
        assert open_published("approval_case", stored.pk, row, pii_keys())["applicant_name"] == NAME
        args = s.execute(text("SELECT args FROM command_log")).scalar_one()
        args = json.loads(args) if isinstance(args, str) else args
        opened = open_logged("approval.receive", args, "c1", pii_keys())
        assert (opened["applicant_name"], opened["applicant_id"], opened["applicant_phone"]) == (NAME, PERSON_ID, PHONE)
    db.dispose()


def test_without_keys_it_refuses_rather_than_drop_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "server.sqlite3"
    _at_0005(path)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(RuntimeError, match="GOVHALL_PII_KEYS"):
        upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT applicant_name FROM approval_case")).scalar_one() == NAME
    engine.dispose()
