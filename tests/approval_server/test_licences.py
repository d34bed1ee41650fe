"""Licences (issue 15, items 3–4): 制证 makes the licence record (numbered by the item's rule, or the typed number
kept), its certificate carries a signed QR code whose public page says 有效 / 已注销 / 已换发, forged and altered
tokens get one plain refusal, notices verify the same way, and the register searches and counts."""

from __future__ import annotations

import re
import uuid

import pypdfium2
import pytest
from pyzbar import pyzbar
from sqlalchemy import select

from server.licences.models import Licence, LicenceRule
from shared.approval import commands as cmd
from shared.licences import LicenceRuleError, NumberingRule, check_pattern, valid_until
from shared.verification import make_token
from tests.approval_server.support import LICENCE_ITEM, LICENCE_SITUATION, PERSON_ID, command, receive
from tests.fixtures.server import login

INVALID = "此二维码无效或已被篡改"


def granted_licence(desks, licence_no: str = "", name: str = "张三") -> str:  # noqa: ANN001
    """A licence case taken through 制证 (and 发证); returns the case id."""
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name=name)
    assert r["status"] == "accepted", r
    steps = [("clerk", cmd.Accept, {}, "received"), ("reviewer", cmd.PassStep, {"step": "review"}, None),
             ("verifier", cmd.PassStep, {"step": "verify"}, None), ("head", cmd.Grant, {"step": "decide"}, None),
             ("officer", cmd.MakeLicence, {"licence_no": licence_no}, None), ("officer", cmd.IssueLicence, {}, None)]
    status = None
    for version, (user, kind, fields, first) in enumerate(steps, start=1):
        sent = desks[user].send(command(kind, case_id, version, first or status, "2026-11-05", desks[user],
                                        opinion="同意", **fields))
        assert sent["status"] == "accepted", (user, sent)
        status = sent["result"]["status"]
    return case_id


def licence_of(database, case_id: str) -> Licence:  # noqa: ANN001
    with database.session() as s:
        row = s.scalars(select(Licence).where(Licence.case_id == case_id, Licence.replaces_id.is_(None))).one()
        s.expunge(row)
        return row


def qr_urls(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil()
    return [s.data.decode() for s in pyzbar.decode(image) if s.type == "QRCODE"]


def token_of(pdf: bytes) -> str:
    (url,) = qr_urls(pdf)
    match = re.fullmatch(r"https?://[^/]+/v/([A-Za-z0-9_-]+)", url)
    assert match, url
    return match.group(1)


def test_grant_makes_a_numbered_licence_whose_certificate_verifies_and_revocation_shows(  # noqa: ANN001
        desks, client, database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("the certificate is rendered once, on SQLite")
    case_id = granted_licence(desks)
    lic = licence_of(database, case_id)
    assert lic.number == "00785-202600001"  # the default rule: item code, year, 5-digit serial
    assert lic.valid_until.isoformat() == "2031-11-04" and lic.holder_id_masked == "110105********002X"
    assert "张三" not in lic.holder_name_sealed and PERSON_ID not in lic.holder_id_sealed  # sealed at rest
    detail = client.get(f"/api/v1/cases/{case_id}", headers=login(client, "clerk")).json()
    assert any(e["payload"].get("licence_no") == lic.number for e in detail["events"])  # the case names it
    headers = login(client, "supervisor")
    pdf = client.get(f"/api/v1/licences/{lic.id}/certificate", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text
    token = token_of(pdf.content)
    page = client.get(f"/v/{token}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY" and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "有效" in text and lic.number in text and "张*" in text and "110105********002X" in text
    assert "张三" not in text and PERSON_ID not in text  # masked only
    revoked = client.post(f"/api/v1/licences/{lic.id}/revoke", headers=headers, json={"reason": "申请注销"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked", revoked.text
    again = client.get(f"/v/{token}").text
    assert "已注销" in again and "注销日期" in again and "2026年11月2日" in again
    twice = client.post(f"/api/v1/licences/{lic.id}/revoke", headers=headers, json={"reason": "再次"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "licence_not_in_force"


def test_forged_and_altered_tokens_get_the_same_plain_refusal(desks, client, database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    from server.approval.identity import pii_keys
    from shared.verification import derive_hall_key
    good = make_token(derive_hall_key(pii_keys(), lic.hall_id), "licence", lic.id)
    assert client.get(f"/v/{good}").status_code == 200
    altered = good[:10] + ("A" if good[10] != "A" else "B") + good[11:]
    forged = make_token(b"\x01" * 32, "licence", lic.id)  # right record, wrong key
    unknown = make_token(derive_hall_key(pii_keys(), lic.hall_id), "licence", str(uuid.uuid4()))
    answers = {t: client.get(f"/v/{t}") for t in (altered, forged, unknown, "x" * 44, "short")}
    bodies = {r.text for r in answers.values()}
    assert len(bodies) == 1 and INVALID in bodies.pop()  # nothing tells whether a record exists
    assert {r.status_code for r in answers.values()} == {404}


def test_a_notice_made_with_the_hall_key_verifies(desks, client, database) -> None:  # noqa: ANN001
    if database.engine.dialect.name != "sqlite":
        pytest.skip("notices are rendered once, on SQLite")
    case_id, _ = receive(desks["clerk"])
    receipt = client.get(f"/api/v1/cases/{case_id}/notices/receipt", headers=login(client, "clerk"))
    assert receipt.status_code == 200
    page = client.get(f"/v/{token_of(receipt.content)}")
    assert page.status_code == 200 and "收件回执" in page.text and "真实" in page.text, page.text


def test_reissue_replaces_the_old_certificate(desks, client, database) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    headers = login(client, "clerk")  # the demo's clerk is also 制证人员
    new = client.post(f"/api/v1/licences/{lic.id}/reissue", headers=headers, json={"reason": "遗失"})
    assert new.status_code == 201, new.text
    assert new.json()["number"] == lic.number and new.json()["replaces_id"] == lic.id
    register = client.post("/api/v1/licences/search", headers=headers, json={"number": lic.number}).json()
    assert {r["status"] for r in register["rows"]} == {"valid", "replaced"}
    from server.approval.identity import pii_keys
    from shared.verification import derive_hall_key
    old = make_token(derive_hall_key(pii_keys(), lic.hall_id), "licence", lic.id)
    assert "已换发" in client.get(f"/v/{old}").text
    refused = client.post(f"/api/v1/licences/{lic.id}/reissue", headers=headers, json={"reason": "再次"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "licence_not_valid"
    empty = client.post(f"/api/v1/licences/{new.json()['id']}/revoke", headers=headers, json={"reason": " "})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "licence_reason_required"


def test_register_search_and_counts(desks, client, database) -> None:  # noqa: ANN001
    first = licence_of(database, granted_licence(desks, name="张三"))
    second = licence_of(database, granted_licence(desks, licence_no="手填-0001", name="李四"))
    assert second.number == "手填-0001"  # the typed number of the old path is kept
    headers = login(client, "supervisor")
    client.post(f"/api/v1/licences/{first.id}/revoke", headers=headers, json={"reason": "注销"})

    def search(**q) -> dict:  # noqa: ANN003
        r = client.post("/api/v1/licences/search", headers=headers, json=q)
        assert r.status_code == 200, r.text
        return r.json()

    everything = search()
    assert everything["total"] == 2 and everything["by_status"] == {"valid": 1, "revoked": 1, "expired": 0,
                                                                     "replaced": 0}
    assert everything["by_item"] == [{"item_code": LICENCE_ITEM, "item_name": first.item_name, "count": 2}]
    assert [r["number"] for r in search(number="00785")["rows"]] == [first.number]
    assert [r["holder_name"] for r in search(holder="李四")["rows"]] == ["李四"]
    assert search(holder=PERSON_ID)["total"] == 2  # by the ID's blind index
    assert [r["number"] for r in search(status="revoked")["rows"]] == [first.number]
    assert search(issued_from="2026-11-06")["total"] == 0 and search(issued_to="2026-11-05")["total"] == 2
    assert search(item="nope")["total"] == 0
    bad = client.post("/api/v1/licences/search", headers=headers, json={"status": "lost"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_licence_status"
    assert search(status="expired")["total"] == 0
    # another hall's staff see none of it
    from tests.access.support import add_other_hall
    add_other_hall(database)
    other = client.post("/api/v1/licences/search", headers=login(client, "supervisor2"), json={})
    assert other.status_code == 200 and other.json()["total"] == 0
    cert = client.get(f"/api/v1/licences/{first.id}/certificate", headers=login(client, "supervisor2"))
    assert cert.status_code == 404


def test_configured_numbering_rule(desks, database) -> None:  # noqa: ANN001
    with database.session() as s:
        s.add(LicenceRule(item_code=LICENCE_ITEM, prefix="粤东莞", pattern="{prefix}{year}第{seq:04d}号",
                          validity_years=3, licence_name="全国工业产品生产许可证", template={}))
    one = licence_of(database, granted_licence(desks))
    two = licence_of(database, granted_licence(desks))
    assert (one.number, two.number) == ("粤东莞2026第0001号", "粤东莞2026第0002号")
    assert one.valid_until.isoformat() == "2029-11-04"


def test_numbering_rules_are_checked() -> None:
    import datetime as dt
    assert NumberingRule().number("00785", 2026, 7) == "202600007"
    from shared.licences import default_licence_name
    assert default_licence_name("工业产品生产许可证核发") == "工业产品生产许可证"
    assert default_licence_name("特种设备使用登记") == "特种设备使用登记证"
    with pytest.raises(LicenceRuleError) as e:
        check_pattern("{prefix}{year}")
    assert e.value.code == "licence_pattern_without_seq"
    with pytest.raises(LicenceRuleError):
        check_pattern("{prefix}{owner}{seq}")
    with pytest.raises(LicenceRuleError):
        NumberingRule(validity_years=0)
    assert valid_until(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_admin_configures_an_items_rule(desks, client, database) -> None:  # noqa: ANN001
    admin = login(client)
    url = f"/api/v1/admin/licence-rules/{LICENCE_ITEM}"
    default = client.get(url, headers=admin).json()
    assert default["configured"] is False and default["example"] == "00785-202600001"
    bad = client.put(url, headers=admin, json={"pattern": "{prefix}{year}", "validity_years": 5})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "licence_pattern_without_seq"
    broken = client.put(url, headers=admin, json={"pattern": "{seq:04d}", "validity_years": 5,
                                                   "template": {"title": "{no_such_field}"}})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "notice_invalid_template", broken.text
    saved = client.put(url, headers=admin, json={"pattern": "{prefix}{year}-{seq:03d}", "prefix": "东市监",
                                                  "validity_years": 4, "licence_name": "生产许可证"})
    assert saved.status_code == 200 and saved.json()["example"] == "东市监2026-001", saved.text
    lic = licence_of(database, granted_licence(desks))
    assert lic.number == "东市监2026-001" and lic.valid_until.isoformat() == "2030-11-04"
    after = client.get(url, headers=admin).json()  # the admin's preview: the next serial, nothing taken
    assert (after["year"], after["next_serial"], after["next_number"]) == (2026, 2, "东市监2026-002"), after
    assert client.get(url, headers=admin).json()["next_number"] == "东市监2026-002"
    assert client.get("/api/v1/admin/licence-rules/nope", headers=admin).status_code == 404


def test_a_licence_past_its_last_day_shows_as_expired(desks, client, database, clock) -> None:  # noqa: ANN001
    lic = licence_of(database, granted_licence(desks))
    from server.approval.identity import pii_keys
    from shared.verification import derive_hall_key
    token = make_token(derive_hall_key(pii_keys(), lic.hall_id), "licence", lic.id)
    clock.advance(days=(lic.valid_until - clock().date()).days + 1)  # the day after its last valid day
    assert "已过期" in client.get(f"/v/{token}").text
    # staff sessions and passwords do not survive five years of fake time: the register's rules, directly
    from server.licences import queries, store
    from shared.protocol.licences import LicenceSearch
    today = clock().date()
    with database.session() as s:
        found = queries.search(s, lic.hall_id, LicenceSearch(status="expired"), today, pii_keys())
        assert found["total"] == 1 and found["by_status"]["expired"] == 1 and found["rows"][0]["status"] == "expired"
        with pytest.raises(store.LicenceError) as refused:
            store.reissue(s, s.get(Licence, lic.id), "遗失", today, "t", pii_keys(), clock())
        assert refused.value.code == "licence_not_valid"
