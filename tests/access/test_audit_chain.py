"""Issue 18, audit: an HMAC-SM3 chain over the audit rows (a tampered, removed or truncated row is reported by
`python -m server verify-audit`), rows committed before the response, a read API and CSV export for admins."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, func, select, update

from fastapi.testclient import TestClient

from server.__main__ import main as server_main
from server.store.audit_chain import verify
from server.store.models import AuditEntry
from tests.fixtures.server import login


def _some_history(client) -> None:  # noqa: ANN001
    for username in ("clerk", "approver", "nobody"):
        client.post("/api/v1/auth/login", json={"username": username, "password": "wrong-one"})
    login(client, "admin")
    login(client, "clerk")


def _verdict(app):  # noqa: ANN001, ANN202
    db = app.state.database
    with db.read_session() as s:
        return verify(s, db.audit_key)


def test_the_chain_verifies_and_reports_the_first_broken_link(client, app) -> None:  # noqa: ANN001
    _some_history(client)
    verdict = _verdict(app)
    assert verdict.intact and verdict.checked == 5
    with app.state.database.session() as s:
        ids = list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        s.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(outcome="success"))
    assert _verdict(app).broken_at == ids[2]


def test_a_removed_row_and_a_cut_tail_are_reported(client, app) -> None:  # noqa: ANN001
    _some_history(client)
    with app.state.database.session() as s:
        ids = list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        s.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    assert _verdict(app).broken_at == ids[2]
    with app.state.database.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id >= ids[1]))
    verdict = _verdict(app)
    assert not verdict.intact and "missing" in verdict.reason


def test_the_verifier_command(client, app, tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    db = app.state.database
    if not db.url.startswith("sqlite"):
        pytest.skip("the command runs on the SQLite file")
    _some_history(client)
    monkeypatch.setenv("GOVHALL_DATABASE_URL", db.url)
    monkeypatch.setenv("GOVHALL_DATA_DIR", str(tmp_path))  # the key file the app made there
    assert server_main(["verify-audit"]) == 0
    assert "intact: 5 rows" in capsys.readouterr().out
    with db.session() as s:
        first = s.scalar(select(func.min(AuditEntry.id)))
        s.execute(update(AuditEntry).where(AuditEntry.id == first).values(actor="someone-else"))
    assert server_main(["verify-audit"]) == 1
    assert f"BROKEN at row {first}" in capsys.readouterr().err


class FirstByteSpy:
    """An ASGI wrapper that counts, at the moment the response starts, the audit rows a fresh reader sees."""

    def __init__(self, app, action: str) -> None:  # noqa: ANN001
        self.app, self.action, self.seen = app, action, []

    async def __call__(self, scope, receive, send):  # noqa: ANN001, ANN204
        async def watch(message):  # noqa: ANN001, ANN202
            if message["type"] == "http.response.start":
                with self.app.state.database.read_session() as s:
                    self.seen.append(s.scalar(select(func.count()).select_from(AuditEntry)
                                              .where(AuditEntry.action == self.action)))
            await send(message)
        await self.app(scope, receive, watch)


def test_an_action_is_audited_before_its_response_leaves(app, client) -> None:  # noqa: ANN001
    admin = login(client, "admin")
    spy = FirstByteSpy(app, "department.create")
    with TestClient(spy) as watched:
        r = watched.post("/api/v1/admin/departments", headers=admin, json={"code": "AUDIT-T", "name": "审计测试"})
    assert r.status_code == 201, r.text
    assert spy.seen == [1]


def test_admins_read_and_export_the_trail(client, app) -> None:  # noqa: ANN001
    _some_history(client)
    admin = login(client, "admin")
    assert client.get("/api/v1/admin/audit", headers=login(client, "supervisor")).status_code == 403
    assert client.get("/api/v1/admin/audit").status_code == 401
    rows = client.get("/api/v1/admin/audit", headers=admin, params={"outcome": "wrong_password"}).json()
    assert [r["actor"] for r in rows] == ["clerk", "approver"] and all(len(r["mac"]) == 64 for r in rows)
    page = client.get("/api/v1/admin/audit", headers=admin, params={"action": "login", "limit": 2, "offset": 1})
    assert len(page.json()) == 2
    naive = client.get("/api/v1/admin/audit", headers=admin, params={"since": "2026-11-02T00:00:00"})
    assert naive.status_code == 422
    export = client.get("/api/v1/admin/audit/export", headers=admin, params={"actor": "nobody"})
    assert export.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert table[0][:6] == ["id", "at", "actor", "device_id", "action", "outcome"]
    assert [(r[2], r[5]) for r in table[1:]] == [("nobody", "unknown_user")]


def _old_rows(db, n: int) -> list[int]:  # noqa: ANN001
    """Rows as written before the chain existed (migration 0011 left them without a mac)."""
    import datetime as dt
    with db.session() as s:
        rows = [AuditEntry(at=dt.datetime(2026, 10, 1, 9, i, tzinfo=dt.timezone.utc), actor="old-clerk",
                           action="login", outcome="success", mac="") for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_rows_from_before_the_chain_are_reported_then_anchored(client, app, tmp_path, monkeypatch,
                                                               capsys) -> None:  # noqa: ANN001
    """Rows without a mac ahead of the chain are not passed over in silence: the verifier counts them as
    unchained until the server's next migration chains them as an anchored segment; from then on a change,
    a removal or a cut in them is reported like one in the live chain."""
    db = app.state.database
    old = _old_rows(db, 3)
    _some_history(client)
    verdict = _verdict(app)
    assert verdict.intact and (verdict.unchained, verdict.anchored, verdict.checked) == (3, 0, 5)
    db.migrate()  # what every start does: the old rows get their anchor
    db.migrate()  # once only
    verdict = _verdict(app)
    assert verdict.intact and (verdict.unchained, verdict.anchored, verdict.checked) == (3 - 3, 3, 8)
    login(client, "approver")  # the live chain goes on as before
    assert _verdict(app).intact
    if db.url.startswith("sqlite"):
        monkeypatch.setenv("GOVHALL_DATABASE_URL", db.url)
        monkeypatch.setenv("GOVHALL_DATA_DIR", str(tmp_path))
        assert server_main(["verify-audit"]) == 0
        out = capsys.readouterr().out
        assert "3 of the rows were written before the chain existed" in out and "intact: 9 rows" in out
    with db.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == old[1]).values(actor="someone-else"))
    assert _verdict(app).broken_at == old[1]
    with db.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id.in_(old[1:])))
    verdict = _verdict(app)
    assert not verdict.intact and "anchor" in verdict.reason


def test_a_database_with_only_old_rows_is_anchored_and_the_chain_follows(app, client) -> None:  # noqa: ANN001
    db = app.state.database
    old = _old_rows(db, 2)
    db.migrate()
    verdict = _verdict(app)
    assert verdict.intact and (verdict.anchored, verdict.checked) == (2, 2)
    _some_history(client)
    verdict = _verdict(app)
    assert verdict.intact and verdict.checked == 7
    with db.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.id == old[-1]))
    assert not _verdict(app).intact
