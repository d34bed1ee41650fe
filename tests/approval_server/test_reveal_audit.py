"""Issue 18: a revealed identity's audit row is committed before the response carrying the identity starts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.access.test_audit_chain import FirstByteSpy
from tests.approval_server.support import receive
from tests.fixtures.server import login

PERSON_ID = "11010519491231002X"


def test_the_reveal_is_audited_before_the_identity_leaves(desks, client, app) -> None:  # noqa: ANN001
    case_id, _ = receive(desks["clerk"], kind="person", applicant_id=PERSON_ID, name="张三",
                         applicant_phone="13812345678")
    supervisor = login(client, "supervisor")
    spy = FirstByteSpy(app, "approval.reveal_identity")
    with TestClient(spy) as watched:
        for _ in range(3):
            r = watched.get(f"/api/v1/cases/{case_id}", headers=supervisor)
            assert r.json()["applicant_id"] == PERSON_ID
    assert spy.seen == [1, 2, 3]
