"""Fixtures: PII keys in the environment, licence-role staff, and one signed-in workstation per user."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.db.models import Hall
from tests.approval_server.support import TEST_KEYS, Desk, add_staff, open_desk
from tests.fixtures.server import login


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def hall_id(database) -> int:  # noqa: ANN001
    add_staff(database)
    with database.session() as session:
        return session.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()


@pytest.fixture
def admin(client) -> dict:  # noqa: ANN001
    return login(client)


@pytest.fixture
def desks(client, admin, hall_id) -> dict[str, Desk]:  # noqa: ANN001
    users = ("clerk", "approver", "supervisor", "reviewer", "verifier", "head", "officer", "boss")
    return {u: open_desk(client, admin, hall_id, u) for u in users}
