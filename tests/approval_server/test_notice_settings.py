"""文书设置 (issue 14 §7): a hall's notice settings live on the server — the packaged office_settings.json until
the admin saves — are checked (a transparent PNG seal, remedies naming both authorities, templates that build),
audited with before and after, published to the hall's workstations (never to kiosks), previewed as PDF on a
draft, and printed on the case's notices; a counter rendering offline from its pulled row gets the same bytes."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from server.store.models import AuditEntry
from shared.approval import commands as cmd
from shared.approval.serialization import event_from_dict
from shared.approval_notices import CaseFacts, notice_data, office_of
from shared.calendar import WorkCalendar
from shared.db.models import Hall
from shared.notices import NoticeKind, render_notice
from shared.notices.settings import NoticeSettings
from tests.access.support import add_other_hall, device
from tests.approval_server.support import command, receive
from tests.approval_server.test_notices import _offline_facts
from tests.fixtures.server import login
from tests.notices.conftest import pdf_text, save_sample, squash

REMEDIES = "如不服本决定，可在六十日内向{review_authority}申请行政复议，或在六个月内向{court}提起行政诉讼。"


def seal_png(size: int = 300, transparent: bool = True) -> bytes:
    """A red round seal on a transparent background (or on white)."""
    image = Image.new("RGBA" if transparent else "RGB", (size, size), (0, 0, 0, 0) if transparent else "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(220, 0, 0, 255), width=size // 25)
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=(220, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _url(hall_id: int) -> str:
    return f"/api/v1/admin/halls/{hall_id}/notice-settings"


def _body(**changes) -> dict:  # noqa: ANN003
    return {"office_name": "东莞市政务服务数据管理局", "phone": "0769-12345", "review_authority": "东莞市人民政府",
            "court": "东莞市第二人民法院", "remedies": REMEDIES,
            "seal_png": base64.b64encode(seal_png()).decode(), "templates": {}, **changes}


def test_the_packaged_defaults_until_saved_then_the_saved_settings_audited(client, admin, hall_id,  # noqa: ANN001
                                                                           database) -> None:
    first = client.get(_url(hall_id), headers=admin)
    assert first.status_code == 200, first.text
    shown = first.json()
    assert shown["stored"] is False and shown["hall_code"] == "DG-HALL-1" and shown["centre_code"] == "DG-ZWFW"
    assert (shown["review_authority"], shown["court"]) == ("东莞市人民政府", "东莞市第一人民法院")  # office_settings.json
    assert shown["default_office_name"] and shown["seal_png"] == ""

    saved = client.put(_url(hall_id), headers=admin, json=_body())
    assert saved.status_code == 200, saved.text
    again = client.get(_url(hall_id), headers=admin).json()
    assert again["stored"] is True and again["updated_by"] == "admin"
    assert again["court"] == "东莞市第二人民法院" and base64.b64decode(again["seal_png"]) == seal_png()
    with database.read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "notice.settings")).one()
        assert entry.actor == "admin" and entry.target == "DG-HALL-1" and entry.detail["before"] is None
        assert entry.detail["after"]["court"] == "东莞市第二人民法院"
        assert len(entry.detail["after"]["seal_png"]) == 64  # the seal's digest, not the image


def test_a_workstation_pulls_the_settings_a_kiosk_does_not(client, admin, hall_id, database) -> None:  # noqa: ANN001
    assert client.put(_url(hall_id), headers=admin, json=_body()).status_code == 200
    workstation, ws_token = device(database, "workstation", hall_id)
    dispenser, disp_token = device(database, "dispenser", hall_id)

    def pulled(token: str) -> list[dict]:
        r = client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return [c["row"] for c in r.json()["changes"] if c["table"] == "notice_settings"]
    row, = pulled(ws_token)
    assert NoticeSettings.from_row(row).seal_png == seal_png() and row["remedies"] == REMEDIES
    assert pulled(disp_token) == []


@pytest.mark.parametrize("changes,code", [
    ({"seal_png": base64.b64encode(b"GIF89a not a png").decode()}, "seal_not_png"),
    ({"seal_png": base64.b64encode(seal_png(transparent=False)).decode()}, "seal_not_transparent"),
    ({"seal_png": base64.b64encode(seal_png(size=40)).decode()}, "seal_size"),
    ({"seal_png": base64.b64encode(seal_png()[:1500]).decode()}, "seal_not_png"),  # truncated: cannot print
    ({"seal_png": "***"}, "seal_not_base64"),
    ({"remedies": "如不服，可向{review_authority}申请行政复议。"}, "notice_remedies_incomplete"),
    ({"phone": "0769\n12345"}, "notice_text_invalid"),
    ({"templates": {"refusal": {"blocks": "not a list"}}}, "notice_template_invalid"),
    ({"templates": {"refusal": {"signature": {"office": "{no_such_value}", "seal": "", "date": "{issue_date}"}}}},
     "notice_template_invalid"),
])
def test_bad_settings_are_refused_and_nothing_is_saved(client, admin, hall_id, changes, code) -> None:  # noqa: ANN001
    r = client.put(_url(hall_id), headers=admin, json=_body(**changes))
    assert (r.status_code, r.json()["error"]["code"]) == (422, code), r.text
    preview = client.post(_url(hall_id) + "/preview", headers=admin, json=_body(**changes))
    assert (preview.status_code, preview.json()["error"]["code"]) == (422, code)
    assert client.get(_url(hall_id), headers=admin).json()["stored"] is False


def test_only_the_halls_admin_reads_or_changes_them(client, admin, hall_id, database) -> None:  # noqa: ANN001
    add_other_hall(database)
    for who, code in (("supervisor", "role_required"), ("clerk", "role_required"), ("admin2", "hall_forbidden")):
        headers = login(client, who)
        for method in ("get", "put"):
            r = getattr(client, method)(_url(hall_id), headers=headers, **({"json": _body()} if method == "put" else {}))
            assert (r.status_code, r.json()["error"]["code"]) == (403, code), (who, method, r.text)
    assert client.get(_url(hall_id)).status_code == 401
    unknown = client.put(_url(hall_id), headers=admin, json={**_body(), "unexpected": 1})
    assert unknown.status_code == 422
    kind = client.post(_url(hall_id) + "/preview", headers=admin, json=_body(), params={"kind": "poem"})
    assert (kind.status_code, kind.json()["error"]["code"]) == (422, "unknown_notice_kind")


def test_the_preview_renders_the_draft_with_its_seal(client, admin, hall_id) -> None:  # noqa: ANN001
    sealed = client.post(_url(hall_id) + "/preview", headers=admin, json=_body(), params={"kind": "refusal"})
    assert sealed.status_code == 200 and sealed.headers["content-type"] == "application/pdf"
    text = squash(pdf_text(sealed.content))
    assert "东莞市政务服务数据管理局" in text and "向东莞市第二人民法院提起行政诉讼" in text and "（盖章）" not in text
    assert b"/Subtype /Image" in sealed.content
    save_sample("admin_preview_refusal_with_seal", sealed.content)
    plain = client.post(_url(hall_id) + "/preview", headers=admin, json=_body(seal_png=""))
    assert b"/Subtype /Image" not in plain.content and "（盖章）" in squash(pdf_text(plain.content))
    assert client.get(_url(hall_id), headers=admin).json()["stored"] is False  # a preview saves nothing


def test_a_cases_notice_prints_the_saved_settings_and_the_counter_renders_the_same_bytes(  # noqa: ANN001
        desks, client, admin, hall_id, database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("notices are rendered once, on SQLite")
    assert client.put(_url(hall_id), headers=admin, json=_body()).status_code == 200
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
    assert "东莞市政务服务数据管理局" in text and "东莞市第二人民法院" in text
    assert b"/Subtype /Image" in response.content
    # the counter, offline, from the row it pulled: the same bytes
    _, token = device(database, "workstation", hall_id)
    row, = [c["row"] for c in client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
            .json()["changes"] if c["table"] == "notice_settings"]
    settings = NoticeSettings.from_row(row)
    events = [event_from_dict(e) for e in client.get(f"/api/v1/cases/{case_id}", headers=headers).json()["events"]]
    with database.session() as s:
        office = office_of(s.scalars(select(Hall).where(Hall.code == "DG-HALL-1")).one())
    facts = _offline_facts(database, case_id, r["result"]["case_number"])
    facts = CaseFacts(**{**facts.__dict__, "office": settings.office(office)})
    offline = render_notice(notice_data(NoticeKind.REFUSAL_OF_ACCEPTANCE, events, facts, WorkCalendar()),
                            settings.template_set()[NoticeKind.REFUSAL_OF_ACCEPTANCE.value],
                            seal_png=settings.seal_png)
    assert offline == response.content
