"""Counter services on an offline workstation cache: calling by the shared rules, acceptance numbered from a
lease, and an accepted case carried through every approval step to delivery."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from shared.approval import commands as cmd
from shared.approval.errors import StaleCommand
from shared.approval.lifecycle import Action, CaseStatus
from shared.notices import MissingPlaceholder
from shared.queue.errors import CallRefused
from tests.client.support import Clock, grant_case_numbers, publish_ticket, services, staff

ID = "11010519491231002X"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_call_next_follows_the_rules_and_queues_the_wire_command(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    window = s.desk.window
    business = window.services[0].business_id
    first = publish_ticket(s.engine, 1, business, "A001", clock.now - dt.timedelta(minutes=20), seq=1)
    publish_ticket(s.engine, 1, business, "A002", clock.now - dt.timedelta(minutes=10), seq=2)
    snap = s.desk.snapshot()
    assert snap.waiting[business] == 2 and snap.preview.ticket.id == first
    decision = s.desk.call_next()
    assert decision.ticket.number == "A001" and "earliest_in_line" in decision.codes
    snap = s.desk.snapshot()
    assert snap.current.number == "A001" and snap.current.state.value == "called"
    with pytest.raises(CallRefused) as busy:
        s.desk.call_next()
    assert busy.value.code == "window_busy"
    s.desk.recall()
    s.desk.start()
    s.desk.finish()
    assert s.desk.snapshot().current is None
    names = [c.name for c in s.sync.status().rejected] or None
    assert names is None and s.sync.status().pending == 4  # call, recall, start, finish wait in the outbox


def test_hold_call_back_transfer_no_show_and_pause(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    publish_ticket(s.engine, 1, business, "A001", clock.now - dt.timedelta(minutes=5), seq=1)
    publish_ticket(s.engine, 1, business, "A002", clock.now - dt.timedelta(minutes=4), seq=2)
    s.desk.call_specific("a002")
    held = s.desk.hold()
    assert s.desk.snapshot().held[0].id == held.id
    s.desk.call_back(held.id)
    other = s.desk.window.services[1].business_id
    s.desk.transfer(to_business_id=other)
    assert s.desk.snapshot().current is None
    s.desk.call_next()
    s.desk.recall(); s.desk.recall()
    assert s.desk.no_show().state.value == "no_show"
    s.desk.pause("午休")
    assert s.desk.snapshot().paused
    with pytest.raises(CallRefused) as paused:
        s.desk.call_next()
    assert paused.value.code == "window_paused"
    s.desk.resume()
    assert not s.desk.snapshot().paused


def _application(s, **kw) -> Application:
    choice = next(c for c in s.catalogue.choices if c.situations and any(r for _, r in c.situations[0].materials))
    situation = choice.situations[0]
    received = kw.pop("received", tuple(name for name, _ in situation.materials))
    return Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True), received, **kw)


def test_offline_acceptance_is_numbered_from_the_lease_and_passes_every_step(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 5, 9)
    outcome = s.acceptance.accept(_application(s))
    assert outcome.case_no == "SL2026000005" and not outcome.offline_number
    assert outcome.state.status is CaseStatus.IN_REVIEW
    assert outcome.receipt.applicant == "张*"
    # The approver's workstation shares this cache in the test: walk the case to delivery.
    approver = services(tmp_path / "a", staff("approver", name="李建国"), clock, window=None,
                        engine=s.engine)
    clerk_cases = s.cases
    for _ in range(10):
        detail = approver.cases.detail(outcome.case_id)
        mine = [(a, r) for a, r in detail.actions if a.action in (Action.PASS_STEP, Action.GRANT)]
        store = approver.cases
        if not mine:  # 制证, 办结, 送达 at the counter (the clerk holds licence_officer)
            detail = clerk_cases.detail(outcome.case_id)
            mine = [(a, r) for a, r in detail.actions if a.action in (Action.MAKE_LICENCE, Action.ISSUE_LICENCE,
                                                                      Action.CLOSE, Action.DELIVER)]
            store = clerk_cases
        if not mine:
            break
        available, role = mine[0]
        common = dict(command_id=str(uuid.uuid4()), case_id=outcome.case_id, base=store.base(detail.state),
                      actor=store.actor(role), device="d", at=clock.now, opinion="同意")
        extra = {Action.PASS_STEP: {"step": available.step}, Action.GRANT: {"step": available.step},
                 Action.MAKE_LICENCE: {"licence_no": "TS-2026-001"}, Action.ISSUE_LICENCE: {},
                 Action.CLOSE: {}, Action.DELIVER: {"method": "counter", "receiver_name": "张三", "receiver_id": ID}}
        kind = {Action.PASS_STEP: cmd.PassStep, Action.GRANT: cmd.Grant, Action.MAKE_LICENCE: cmd.MakeLicence,
                Action.ISSUE_LICENCE: cmd.IssueLicence, Action.CLOSE: cmd.Close, Action.DELIVER: cmd.Deliver}
        store.act(kind[available.action](**common, **extra[available.action]))
        clock.advance(hours=1)
    final = approver.cases.detail(outcome.case_id)
    assert final.state.status is CaseStatus.DELIVERED
    assert [o.text for o in final.state.opinions].count("同意") >= 3


def test_stale_command_is_refused_with_who_changed_it(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date())
    outcome = s.acceptance.accept(_application(s))
    approver = services(tmp_path / "a", staff("approver"), clock, window=None, engine=s.engine)
    detail = approver.cases.detail(outcome.case_id)
    step = detail.state.current_steps[0]
    old_base = approver.cases.base(detail.state)
    approver.cases.act(cmd.PassStep(command_id=str(uuid.uuid4()), case_id=outcome.case_id, base=old_base,
                                    actor=approver.cases.actor("reviewer"), device="d", at=clock.now,
                                    opinion="同意", step=step))
    with pytest.raises(StaleCommand) as stale:
        approver.cases.act(cmd.PassStep(command_id=str(uuid.uuid4()), case_id=outcome.case_id, base=old_base,
                                        actor=approver.cases.actor("reviewer"), device="d", at=clock.now,
                                        opinion="同意", step=step))
    assert stale.value.details["changed_by"] == "approver"


def test_correction_and_rejection_paths(tmp_path, clock):
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date())
    app = _application(s, received=())
    assert app.missing
    corr = s.acceptance.request_correction(app, {m: "未提供" for m in app.missing})
    assert corr.state.status is CaseStatus.CORRECTION_REQUESTED
    assert len(corr.receipt.lines) == len(app.missing) + 1
    rej = s.acceptance.reject(_application(s), "不属于本机关职权范围", "《行政许可法》第三十二条")
    assert rej.state.status is CaseStatus.NOT_ACCEPTED and rej.case_no != corr.case_no
    # The demo hall's office settings name the review authority and court, so the 决定书 is made offline.
    assert not rej.notice_error and rej.notice is not None and rej.notice.read_bytes().startswith(b"%PDF")
    assert s.acceptance.notices.office.review_authority == "东莞市人民政府"


@pytest.mark.parametrize("failure", ["missing_data", "disk", "bug"])
def test_refusal_stands_when_its_notice_cannot_be_made(tmp_path, clock, monkeypatch, failure):
    """不予受理 whose 决定书 cannot be rendered (the hall data lacks the review authority and court, the disk is
    full, a template fault): the refusal is still queued for the server and the receipt is still there."""
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date())
    raised = {"missing_data": MissingPlaceholder("refusal_of_acceptance", ["court", "review_authority"]),
              "disk": OSError(28, "No space left on device"), "bug": KeyError("reason")}[failure]

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003
        raise raised
    monkeypatch.setattr(s.acceptance.notices, "write", broken)
    rej = s.acceptance.reject(_application(s), "不属于本机关职权范围", "《行政许可法》第三十二条")
    assert rej.state.status is CaseStatus.NOT_ACCEPTED and rej.notice is None
    assert rej.receipt.kind == "rejected" and rej.receipt.case_no == rej.case_no
    assert rej.notice_error == {"missing_data": "notice_missing_placeholder", "disk": "notice_not_saved",
                                "bug": "notice_failed"}[failure]
    if failure == "missing_data":
        assert rej.notice_missing == ("court", "review_authority")
    with s.engine.connect() as conn:
        queued = [name for name, in conn.exec_driver_sql("SELECT name FROM sync_outbox ORDER BY seq")]
    assert queued[-1] == "approval.reject_application"


def test_offline_receipt_and_notice_carry_the_same_signed_token(tmp_path, clock):
    """With the hall's key from provisioning, the counter signs offline: the thermal receipt's QR code and the
    PDF notice's carry one token over the acceptance event, which the server verifies once the event is synced
    (tests/approval_server/test_licences.py); without the key the receipt keeps the case number."""
    import pypdfium2
    from pyzbar import pyzbar

    from shared.verification import check_token

    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 5, 9)
    unsigned = s.acceptance.accept(_application(s))
    assert unsigned.receipt.query_url == ""
    key = bytes(range(32))
    s.acceptance.notices.verify_key = key
    outcome = s.acceptance.accept(_application(s))
    url = outcome.receipt.query_url
    ref = check_token(url.rsplit("/", 1)[1], key)
    accepted = next(e for e in s.cases.events(outcome.case_id) if e.action is Action.ACCEPT)
    assert (ref.kind, ref.reference) == ("acceptance", accepted.event_id)
    image = pypdfium2.PdfDocument(outcome.notice.read_bytes())[0].render(scale=200 / 72).to_pil()
    assert [c.data.decode() for c in pyzbar.decode(image)] == [url]


def test_the_receipt_prints_the_query_code_the_servers_progress_page_accepts(tmp_path, clock):
    """查询码 (issue 17): made offline at the counter from the hall key provisioning gave it; the server, which
    derives the same hall key from its blind-index key, accepts it for that case number and no other."""
    from client.services.receipts import render_receipt
    from shared.approval.query_code import code_matches, derive_query_key
    from shared.crypto.keys import keys_from_environment
    from shared.verification import derive_hall_key
    from tests.approval_server.support import TEST_KEYS

    keys = keys_from_environment(TEST_KEYS)
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 5, 9)
    assert s.acceptance.accept(_application(s)).receipt.query_code == ""  # no key: no code rather than a wrong one
    s.acceptance.notices.verify_key = derive_hall_key(keys, 7)  # as provisioning writes it for hall 7
    receipt = s.acceptance.accept(_application(s)).receipt
    assert len(receipt.query_code) == 8
    assert code_matches(derive_query_key(keys, 7), receipt.case_no, receipt.query_code)
    assert not code_matches(derive_query_key(keys, 8), receipt.case_no, receipt.query_code)
    assert f"查询码：{receipt.query_code}".encode("gb18030") in render_receipt(receipt)
