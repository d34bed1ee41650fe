"""Decision notices on the approver's workstation against the real server in process: every deciding step's
notice (特别程序告知书, 延期通知书, 准予/不予许可决定书) rendered offline from the workstation's cache is the
server route's PDF byte for byte; it carries the workstation's SM2 signature; its 送达, recorded offline, syncs
and stops Art. 44's clock on the server; a 送达 on a case that moved on meanwhile is refused as stale."""

from __future__ import annotations

import uuid

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from server.approval.store import state_of
from shared.approval import commands as cmd
from shared.approval.lifecycle import Action, CaseStatus
from server.approval.models import NoticeSigningKey
from shared.crypto.sm2 import NoticeSignature, verify_notice
from shared.notices import NoticeKind
from tests.client.support import Offline
from tests.client.test_rectification_differential import NOW, PASSWORD, Loop, loop  # noqa: F401 - the fixture

ID = "11010519491231002X"
K = NoticeKind


def _accepted_case(loop: Loop):  # noqa: ANN202 - the clerk's workstation and the case id
    clerk = loop.workstation("clerk", "clerk")
    clerk.acceptance.track_numbers()
    clerk.sync.sync_once()
    choice = next(c for c in clerk.catalogue.choices
                  if c.situations and any(r for _, r in c.situations[0].materials)
                  and clerk.cases.definitions.latest(c.item_code, c.situations[0].code).issues_licence)
    situation = choice.situations[0]
    outcome = clerk.acceptance.accept(Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                                                  tuple(name for name, _ in situation.materials)))
    clerk.sync.sync_once()
    assert clerk.sync.rejected() == []
    return clerk, outcome.case_id


def _act(ws, case_id: str, action: Action, **extra):  # noqa: ANN001, ANN003, ANN202
    store = ws.cases
    refused = len(ws.sync.rejected())
    detail = store.detail(case_id)
    available, role = next((a, r) for a, r in detail.actions if a.action is action)
    kind = {Action.PASS_STEP: cmd.PassStep, Action.START_SPECIAL_PROCEDURE: cmd.StartSpecialProcedure,
            Action.END_SPECIAL_PROCEDURE: cmd.EndSpecialProcedure, Action.EXTEND: cmd.Extend,
            Action.GRANT: cmd.Grant, Action.REFUSE: cmd.Refuse, Action.MAKE_LICENCE: cmd.MakeLicence}[action]
    if action in (Action.PASS_STEP, Action.START_SPECIAL_PROCEDURE, Action.GRANT, Action.REFUSE):
        extra["step"] = available.step
    state = store.act(kind(command_id=str(uuid.uuid4()), case_id=case_id, base=store.base(detail.state),
                           actor=store.actor(role), device=ws.sync.device_id, at=loop_now(ws), opinion="同意",
                           **extra))
    ws.sync.sync_once()
    assert len(ws.sync.rejected()) == refused, ws.sync.rejected()
    return state


def loop_now(ws):  # noqa: ANN001, ANN201
    return ws.cases.clock()


def _server_pdf(loop: Loop, case_id: str, kind: NoticeKind) -> bytes:
    token = loop.http.post("/api/v1/auth/login", json={"username": "approver", "password": PASSWORD}).json()["token"]
    r = loop.http.get(f"/api/v1/cases/{case_id}/notices/{kind.value}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    # the server signs its own copy with its own key (detached, in headers)
    signed = NoticeSignature(r.headers["X-Notice-SM3"], r.headers["X-Notice-Signature"],
                             r.headers["X-Notice-Signer-Key"])
    assert verify_notice(r.content, signed)
    return r.content


def test_every_deciding_steps_notice_offline_is_the_servers(loop: Loop) -> None:  # noqa: F811
    clerk, case_id = _accepted_case(loop)
    approver = loop.workstation("approver", "approver")
    approver.sync.sync_once()
    _act(approver, case_id, Action.PASS_STEP)
    _act(approver, case_id, Action.START_SPECIAL_PROCEDURE, category="inspection", expected_days=10,
         reason="需要现场检验")
    _act(approver, case_id, Action.END_SPECIAL_PROCEDURE, result="检验合格")
    _act(approver, case_id, Action.EXTEND, days=10, reason="情况复杂")
    while approver.cases.detail(case_id).state.current_steps != ("decide",):
        _act(approver, case_id, Action.PASS_STEP)
    _act(approver, case_id, Action.GRANT)
    notices = approver.notices
    assert notices is not None
    assert notices.available(case_id) == (K.ACCEPTANCE, K.SPECIAL_PROCEDURE, K.EXTENSION, K.GRANT)
    approver.sync.transport = Offline()  # the approver's notices need no network
    offline = {k: notices.render(case_id, k) for k in (K.SPECIAL_PROCEDURE, K.EXTENSION, K.GRANT)}
    for kind, notice in offline.items():
        assert notice.pdf == _server_pdf(loop, case_id, kind), kind
        assert verify_notice(notice.pdf, notice.signature)
        assert notice.signature.public_key == notices.signer.public_key

    # 送达 of the grant, recorded offline; meanwhile nothing else happens to the case: it syncs
    notices.serve(offline[K.GRANT], notices.serving_role(case_id), "direct", "张三")
    assert approver.cases.detail(case_id).row["clocks"]["served_late"] is False
    approver.sync.transport = loop.transport
    approver.sync.sync_once()
    assert approver.sync.rejected() == []
    with loop.db.session() as s:
        state = state_of(s, case_id)
    assert state.decision_served_on == NOW.date() and state.services[0].method == "direct"
    assert state.status is CaseStatus.DECIDED_GRANTED  # 送达 moves nothing
    with loop.db.session() as s:
        key = s.get(NoticeSigningKey, offline[K.GRANT].signature.key_id)
        assert key.device_id == approver.sync.device_id  # the key now speaks for that workstation only

    # the counter cannot record a 送达 signed with the approver's key
    clerk.sync.sync_once()
    clerk.notices.serve(offline[K.GRANT], clerk.notices.serving_role(case_id), "direct", "张三")
    clerk.sync.sync_once()
    assert [r.code for r in clerk.sync.rejected()] == ["signing_key_of_another_device"]
    approver.sync.sync_once()

    # a second 送达 recorded offline on what the approver saw, while the counter made the licence: stale
    approver.sync.transport = Offline()
    notices.serve(offline[K.GRANT], notices.serving_role(case_id), "post", "张三", reference="EMS1234567890CN")
    clerk.sync.sync_once()
    _act(clerk, case_id, Action.MAKE_LICENCE, licence_no="TS-2026-0001")
    approver.sync.transport = loop.transport
    approver.sync.sync_once()
    assert [r.code for r in approver.sync.rejected()] == ["stale_command"]
    with loop.db.session() as s:
        assert len(state_of(s, case_id).services) == 1


def test_a_refusal_notice_offline_is_the_servers(loop: Loop) -> None:  # noqa: F811
    _, case_id = _accepted_case(loop)
    approver = loop.workstation("approver", "approver")
    approver.sync.sync_once()
    while approver.cases.detail(case_id).state.current_steps != ("decide",):
        _act(approver, case_id, Action.PASS_STEP)
    _act(approver, case_id, Action.REFUSE, reason="现场核查不符合安全条件",
         legal_basis="《中华人民共和国行政许可法》第三十八条第二款")
    approver.sync.transport = Offline()
    notice = approver.notices.render(case_id, K.REFUSAL)
    assert notice.pdf == _server_pdf(loop, case_id, K.REFUSAL)
