"""Notices of a case as PDF: the kinds a case has, refusals for the kinds it has not, and the same bytes the
shared builder gives a client working offline from its own rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.approval import commands as cmd
from shared.approval.serialization import event_from_dict
from shared.approval_notices import FORMS, CaseFacts, notice_data, office_for
from shared.calendar import WorkCalendar
from shared.db.models import Hall, ServiceItem, Situation
from shared.notices import Applicant, Material, NoticeKind, TemplateSet, render_notice
from tests.approval_server.support import COMPANY_ID, REQUIRED, SERVICE_ITEM, SERVICE_SITUATION, command, receive
from tests.fixtures.server import login


def _offline_facts(database, case_id: str, case_number: str) -> CaseFacts:  # noqa: ANN001
    """What a counter client knows: the reference rows it caches and the applicant it typed in."""
    with database.session() as s:
        hall = s.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one()
        item = s.scalars(select(ServiceItem).where(ServiceItem.code == SERVICE_ITEM)).one()
        situation = s.scalars(select(Situation).where(Situation.code == SERVICE_SITUATION)).one()
        materials = tuple(Material(m.name, m.copies, FORMS.get(m.form)) for m in situation.materials
                          if m.name in REQUIRED)
        return CaseFacts(case_id, case_number, Applicant("东莞测试有限公司", uscc=COMPANY_ID),
                         office_for(hall.centre.name, hall.name, hall.address), item.name, situation.name,
                         item.statutory_limit_days, materials)


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
    sent = clerk.send(command(cmd.RequestCorrection, case_id, 1, "received", "2026-11-03", clerk, items=items))
    assert sent["status"] == "accepted", sent
    correction = client.get(f"{url}/correction", headers=headers)
    assert correction.status_code == 200, correction.text
    events = [event_from_dict(e) for e in client.get(f"/api/v1/cases/{case_id}", headers=headers).json()["events"]]
    facts = _offline_facts(database, case_id, r["result"]["case_number"])
    offline = render_notice(notice_data(NoticeKind.CORRECTION, events, facts, WorkCalendar()),
                            TemplateSet.for_office(None)[NoticeKind.CORRECTION.value])
    assert offline == correction.content
