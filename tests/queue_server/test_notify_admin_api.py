"""The notifications admin API: admins only (anonymous 401, other roles 403), each admin sees their own hall's
messages with their delivery state, an opt-out validates the number and leaves an audit row."""

from __future__ import annotations


from sqlalchemy import select

from server.notify.models import NotificationOptOut
from server.notify.outbox import notify
from server.store.models import AuditEntry
from shared.crypto.keys import keys_from_environment
from tests.access.support import add_other_hall
from tests.fixtures.server import login
from tests.queue_server.support import START

URL = "/api/v1/admin/notifications"


def test_only_admins_and_only_their_hall(qhall) -> None:  # noqa: ANN001
    other = add_other_hall(qhall.db)
    keys = keys_from_environment()
    with qhall.db.session() as s:
        notify(s, "near_call", hall_id=qhall.hall_id, now=START, key="here", phone="13800138000", keys=keys,
               params={"ticket": "A001", "ahead": 2})
        notify(s, "near_call", hall_id=other.hall_id, now=START, key="there", phone="13900139000", keys=keys,
               params={"ticket": "B001", "ahead": 2})
    assert qhall.client.get(URL).status_code == 401
    for user in ("clerk", "supervisor"):
        r = qhall.client.get(URL, headers=login(qhall.client, user))
        assert (r.status_code, r.json()["error"]["code"]) == (403, "role_required")
        r = qhall.client.post(f"{URL}/opt-outs", headers=login(qhall.client, user), json={"phone": "13800138000"})
        assert r.status_code == 403
    listing = qhall.client.get(URL, headers=login(qhall.client)).json()
    assert [(n["phone"], n["state"], n["text"]) for n in listing["notifications"]] == [
        ("138****8000", "queued", "您的号码A001前面还有2人，请留意叫号，及时到窗口办理。回复TD退订")]
    assert listing["counts"] == {"queued": 1}
    r = qhall.client.get(URL, headers=login(qhall.client), params={"state": "lost"})
    assert r.status_code == 422


def test_opt_out_validates_and_is_audited(qhall) -> None:  # noqa: ANN001
    headers = login(qhall.client)
    for bad in ("12345", "0769-22223333", "abc"):
        r = qhall.client.post(f"{URL}/opt-outs", headers=headers, json={"phone": bad})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_phone"), bad
        assert "手机号码" in r.json()["error"]["message"]
    assert qhall.client.post(f"{URL}/opt-outs", headers=headers, json={}).status_code == 422
    with qhall.db.session() as s:
        assert s.scalars(select(NotificationOptOut)).all() == []
    for _ in range(2):  # idempotent
        r = qhall.client.post(f"{URL}/opt-outs", headers=headers, json={"phone": "13800138000"})
        assert r.status_code == 201 and r.json()["source"] == "admin"
    with qhall.db.session() as s:
        [row] = s.scalars(select(NotificationOptOut)).all()
        assert row.by == "admin" and "13800138000" not in row.phone_index
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "notify.opt_out")).all()
        assert [a.target for a in audits] == ["138****8000"] * 2 and all(a.actor == "admin" for a in audits)
