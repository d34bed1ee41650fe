"""Notices of a case as PDF: the kinds a case has, refusals for the kinds it has not, and the same bytes the
shared builder gives a client working offline from its own rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.approval import commands as cmd
from shared.approval.serialization import event_from_dict
from shared.approval_notices import FORMS, CaseFacts, notice_data, office_for
from shared.calendar import WorkCalendar
from shared.crypto.keys import keys_from_environment
from shared.verification import derive_hall_key
from shared.db.models import Hall, ServiceItem, Situation
from shared.notices import Applicant, Material, NoticeKind, TemplateSet, render_notice
from tests.approval_server.support import (
    COMPANY_ID, REQUIRED, SERVICE_ITEM, SERVICE_SITUATION, command, receive,
)
from tests.fixtures.server import login


def _offline_facts(database, case_id: str, case_number: str) -> CaseFacts:  # noqa: ANN001
    """What a counter client knows: the reference rows it caches and the applicant it typed in."""
    with database.session() as s:
        hall = s.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one()
        item = s.scalars(select(ServiceItem).where(ServiceItem.code == SERVICE_ITEM)).one()
        situation = s.scalars(select(Situation).where(Situation.code == SERVICE_SITUATION)).one()
        materials = tuple(Material(m.name, m.copies, FORMS.get(m.form)) for m in situation.materials
                          if m.name in REQUIRED)
        # the hall's verification key, as provisioning wrote it into the counter's workstation.toml
        return CaseFacts(case_id, case_number, Applicant("东莞测试有限公司", uscc=COMPANY_ID),
                         office_for(hall.centre.name, hall.name, hall.address), item.name, situation.name,
                         item.statutory_limit_days, materials,
                         verify_key=derive_hall_key(keys_from_environment(), hall.id))


def test_notices_of_a_case(desks, client, database) -> None:  # noqa: ANN001
    if database.engine.dialect.name != "sqlite":
        # rendering is backend-independent and takes seconds; the PostgreSQL reads are covered in test_api
        pytest.skip("notices are rendered once, on SQLite")
    clerk = desks["clerk"]
    case_id, r = receive(clerk)
    headers = login(client, "clerk")
    url = f"/api/v1/cases/{case_id}/notices"
    receipt = client.get(f"{url}/receipt", headers=headers)
    assert receipt.status_code == 200, receipt.text
    assert receipt.headers["content-type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    assert client.get(f"{url}/acceptance", headers=headers).json()["error"]["code"] == "notice_not_available"
    assert client.get(f"{url}/nonsense", headers=headers).json()["error"]["code"] == "unknown_notice_kind"
    items = (cmd.CorrectionItem(REQUIRED[0], "缺少签章"),)
    sent = clerk.send(command(cmd.RequestCorrection, case_id, 1, "received", "2026-11-03", clerk,
                              items=items))
    assert sent["status"] == "accepted", sent
    correction = client.get(f"{url}/correction", headers=headers)
    assert correction.status_code == 200, correction.text
    detail = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    events = [event_from_dict(e) for e in detail["events"]]
    facts = _offline_facts(database, case_id, r["result"]["case_number"])
    offline = render_notice(notice_data(NoticeKind.CORRECTION, events, facts, WorkCalendar()),
                            TemplateSet.for_office(None)[NoticeKind.CORRECTION.value])
    assert offline == correction.content


def test_refusal_of_acceptance_names_the_demo_offices_review_authority_and_court(desks, client,  # noqa: ANN001
                                                                                  database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("notices are rendered once, on SQLite")
    from shared.approval_notices import office_of
    from tests.notices.conftest import pdf_text, save_sample, squash

    clerk = desks["clerk"]
    case_id, r = receive(clerk)
    sent = clerk.send(command(cmd.RejectApplication, case_id, 1, "received", "2026-11-03", clerk,
                              reason="申请事项依法不需要取得行政许可",
                              legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（一）项"))
    assert sent["status"] == "accepted", sent
    headers = login(client, "clerk")
    response = client.get(f"/api/v1/cases/{case_id}/notices/refusal_of_acceptance", headers=headers)
    assert response.status_code == 200, response.text
    text = squash(pdf_text(response.content))
    assert "不予受理决定书" in text and "东莞市人民政府申请行政复议" in text
    assert "向东莞市第一人民法院提起行政诉讼" in text
    save_sample("demo_hall_refusal_of_acceptance", response.content)
    # a counter client renders the same bytes from its cached hall row
    detail = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()
    events = [event_from_dict(e) for e in detail["events"]]
    with database.session() as s:
        hall = s.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one()
        office = office_of(hall)
    facts = _offline_facts(database, case_id, r["result"]["case_number"])
    facts = CaseFacts(**{**facts.__dict__, "office": office})
    offline = render_notice(notice_data(NoticeKind.REFUSAL_OF_ACCEPTANCE, events, facts, WorkCalendar()),
                            TemplateSet.for_office(None)[NoticeKind.REFUSAL_OF_ACCEPTANCE.value])
    assert offline == response.content


def test_office_settings_come_from_the_centre_then_the_hall() -> None:
    from shared.approval_notices import office_for, office_settings

    assert office_settings("DG-ZWFW") == {"review_authority": "东莞市人民政府", "court": "东莞市第一人民法院"}
    assert office_settings() == {} and office_settings("NO-SUCH-CENTRE") == {}
    plain = office_for("东莞市政务服务中心", "一号大厅")
    assert plain.review_authority is None and plain.court is None  # without codes: nothing configured
    assert office_for("东莞市政务服务中心", "一号大厅", centre_code="DG-ZWFW").court == "东莞市第一人民法院"
