"""Issue 19, per-request cost: every staff request checks its token, the member with the member's roles and the
password state. They are read in one statement (server/credentials/login.py), however many checks of the
request look at them — on the reading session of a list and on the unit of work of an action."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from server.api.deps import ReadingUser, commit_in_worker
from server.store.database import Database
from server.store.models import StaffCredential
from shared.db.models import StaffUser
from tests.fixtures.server import FakeClock, login

LOGIN_TABLES = ("auth_token", "staff_user", "staff_role", "staff_credential")


@pytest.fixture(autouse=True)
def _password_set(database: Database, clock: FakeClock) -> None:
    """The demo's accounts predate password states; one set under the policy has one, as every account made
    since has."""
    with database.session() as session:
        admin = session.scalars(select(StaffUser).where(StaffUser.username == "admin")).one()
        session.add(StaffCredential(user_id=admin.id, must_change=False, changed_at=clock()))


def _login_reads(db: Database, client: TestClient, method: str, url: str, **kwargs: object) -> list[str]:
    seen: list[str] = []
    listen = lambda conn, cursor, sql, *rest: seen.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        r = client.request(method, url, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert r.status_code == 200, r.text
    return [s for s in seen if s.lstrip().startswith("SELECT") and any(f"FROM {t}" in s or f"JOIN {t}" in s
                                                                       for t in LOGIN_TABLES)]


def test_a_list_reads_the_login_once(client: TestClient, database: Database) -> None:
    headers = login(client)
    assert client.get("/api/v1/worklists/todo", headers=headers).status_code == 200  # its first use, recorded
    reads = _login_reads(database, client, "GET", "/api/v1/worklists/todo", headers=headers)
    assert len(reads) == 1, reads
    assert all(t in reads[0] for t in LOGIN_TABLES)


def test_a_unit_of_work_reads_the_login_once(client: TestClient, database: Database) -> None:
    """CurrentUser: the token, the member and the password state (get_current_user)."""
    headers = login(client)
    reads = _login_reads(database, client, "GET", "/api/v1/approval/definitions", headers=headers)
    assert len(reads) == 1, reads


def test_a_list_checks_the_login_in_its_own_worker_call(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread-pool call is a thread hand-over each way: a staff list checks the login in its body's call, not
    in one of its own (the other call is FastAPI's own check of the answer)."""
    import anyio.to_thread

    headers = login(client)
    calls: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)
    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    assert client.get("/api/v1/worklists/todo", headers=headers).status_code == 200
    assert len(calls) == 2 and "my_todo" in calls[0] and "validate" in calls[1], calls
    refused = client.get("/api/v1/worklists/todo", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_invalid"


def test_a_route_without_a_worker_call_of_ours_cannot_take_the_reading_user() -> None:
    app = FastAPI()

    @app.get("/late")
    async def late(user: ReadingUser) -> dict:
        return {}
    with pytest.raises(TypeError, match="needs a sync route"):
        commit_in_worker(app)
