"""The admin edits the catalogue: a change of limits or required materials is a new definition version, and a
case received before keeps its version (its materials and its deadline); invalid items are refused with their
field; the catalogue goes out as xlsx and comes back in, all rows or none, bad rows named by number.
SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook
from sqlalchemy import select

from server.store.models import AuditEntry
from shared.approval import commands as cmd
from tests.approval_server.support import REQUIRED, SERVICE_ITEM, SERVICE_SITUATION, command, receive
from tests.fixtures.server import login

URL = "/api/v1/admin/catalogue"


def _editable(client, code: str) -> dict:  # noqa: ANN001
    item = client.get(f"/api/v1/catalogue/items/{code}").json()
    return {"name": item["name"], "category": item["category"], "department_id": item["department_id"],
            "statutory_limit_days": item["statutory_limit_days"], "promised_limit_days": item["promised_limit_days"],
            "fee": item["fee"], "online": item["online"], "note": item["note"],
            "sub_items": [{"code": s["code"], "name": s["name"]} for s in item["sub_items"]],
            "situations": [{"code": s["code"], "name": s["name"],
                            "materials": [{k: m[k] for k in ("name", "required", "form", "copies")}
                                          for m in s["materials"]]} for s in item["situations"]]}


def test_an_edit_is_a_new_version_and_a_received_case_keeps_its_own(desks, client, database) -> None:  # noqa: ANN001
    admin = login(client)
    clerk = desks["clerk"]
    old_case, _ = receive(clerk)  # received with every material version 1 asks for
    body = _editable(client, SERVICE_ITEM)
    situation = next(s for s in body["situations"] if s["code"] == SERVICE_SITUATION)
    situation["materials"].append({"name": "现场照片", "required": True, "form": "electronic", "copies": 1})
    body["promised_limit_days"] = max(1, body["promised_limit_days"] - 1)
    saved = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["definition_versions"][SERVICE_SITUATION] == 2
    names = [m["name"] for s in saved.json()["item"]["situations"] if s["code"] == SERVICE_SITUATION
             for m in s["materials"]]
    assert names[-1] == "现场照片"
    v2 = client.get(f"/api/v1/approval/definitions/{SERVICE_ITEM}/{SERVICE_SITUATION}/2", headers=admin).json()
    assert "现场照片" in v2["body"]["required_materials"]
    assert v2["body"]["promised_limit_days"] == body["promised_limit_days"]
    # The case received before the edit: still version 1, and accepted with the materials it came with.
    r = clerk.send(command(cmd.Accept, old_case, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "accepted", r
    versions = {c["id"]: c["definition_version"] for c in client.get("/api/v1/cases", headers=admin).json()}
    assert versions[old_case] == 1
    # A case received now asks for the new material.
    new_case, _ = receive(clerk, materials=REQUIRED)
    r = clerk.send(command(cmd.Accept, new_case, 1, "received", "2026-11-02", clerk))
    assert r["status"] == "rejected" and r["code"] == "missing_materials", r
    # Saving the same again changes nothing: no version 3.
    again = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body)
    assert again.json()["definition_versions"][SERVICE_SITUATION] == 2
    with database.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.item_save")
                            .order_by(AuditEntry.id)).all()
    assert entries[0].actor == "admin" and entries[0].target == SERVICE_ITEM
    assert entries[0].detail["before"]["promised_limit_days"] == body["promised_limit_days"] + 1
    assert entries[0].detail["after"]["promised_limit_days"] == body["promised_limit_days"]


def test_invalid_items_are_refused_with_the_field(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    body = _editable(client, SERVICE_ITEM)
    cases = [({"promised_limit_days": body["statutory_limit_days"] + 1}, "catalogue_invalid", "promised_limit_days"),
             ({"category": "other"}, "catalogue_invalid", "category"),
             ({"situations": [{**body["situations"][0], "materials": [
                 {"name": "申请表", "required": True, "form": "fax", "copies": 1}]}]}, "catalogue_invalid", "form"),
             ({"situations": body["situations"][:1] * 2}, "catalogue_invalid", "situations"),
             # the first situation renamed as the second, which is left out of the body (and so kept)
             ({"situations": [{**body["situations"][0], "name": body["situations"][1]["name"]}]},
              "catalogue_invalid", "situations")]
    for change, code, field in cases:
        r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json={**body, **change})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (change, r.text)
        assert r.json()["error"]["details"]["field"] == field
    other = next(i["code"] for i in client.get("/api/v1/catalogue/items").json() if i["code"] != SERVICE_ITEM)
    stolen = client.put(f"{URL}/items/{other}", headers=admin, json=body)  # another item's situation codes
    assert stolen.status_code == 422 and "已属于事项" in stolen.json()["error"]["message"]
    assert client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin,
                      json={**body, "statutory_limit_days": 0}).json()["error"]["code"] == "invalid_request"
    assert client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()["promised_limit_days"] == \
        body["promised_limit_days"]  # nothing written
    for role in ("clerk", "supervisor"):
        r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=login(client, role), json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "role_required"
    assert client.get(f"{URL}/export", headers=login(client, "clerk")).status_code == 403


def _sheet(client, admin):  # noqa: ANN001, ANN202
    r = client.get(f"{URL}/export", headers=admin)
    assert r.status_code == 200
    return load_workbook(io.BytesIO(base64.b64decode(r.json()["xlsx_base64"])))


def _send(client, admin, book):  # noqa: ANN001, ANN202
    out = io.BytesIO()
    book.save(out)
    return client.post(f"{URL}/import", headers=admin,
                       json={"filename": "目录.xlsx", "xlsx_base64": base64.b64encode(out.getvalue()).decode()})


def test_the_catalogue_goes_out_as_xlsx_and_comes_back(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    book = _sheet(client, admin)
    sheet = book.active
    assert sheet.cell(1, 1).value == "事项编码" and sheet.max_row > 64
    unchanged = _send(client, admin, book)
    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["new_versions"] == 0 and unchanged.json()["items"] > 10
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == SERVICE_ITEM]
    for r in rows:
        sheet.cell(r, 5).value = 1  # the promised limit, on every row of the item
    changed = _send(client, admin, book)
    assert changed.status_code == 200 and changed.json()["new_versions"] >= 1
    assert client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()["promised_limit_days"] == 1


def test_bad_rows_are_refused_by_number_and_nothing_is_imported(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    book = _sheet(client, admin)
    sheet = book.active
    before = client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == SERVICE_ITEM:
            sheet.cell(r, 5).value = 1  # a good change (every row of the item) that must not land
    sheet.cell(3, 3).value = "其他"
    sheet.cell(5, 12).value = "两份"
    sheet.cell(6, 10).value = "也许"
    r = _send(client, admin, book)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "catalogue_rows_invalid"
    assert {3, 5, 6} <= {e["row"] for e in error["details"]["errors"]}
    assert "第3行" in error["message"]
    assert client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json() == before
    garbage = client.post(f"{URL}/import", headers=admin,
                          json={"xlsx_base64": base64.b64encode(b"not a workbook").decode()})
    assert garbage.status_code == 422 and garbage.json()["error"]["details"]["errors"][0]["row"] == 0


def test_a_sub_item_is_removed_unless_a_case_names_it(desks, client, database) -> None:  # noqa: ANN001
    """删除所选办理项: the save names the sub-items to delete; one a received case names is refused with its own
    code (the case keeps it), as is one of another item; an unused one goes, audited, and the catalogue no
    longer offers it."""
    admin = login(client)
    body = _editable(client, SERVICE_ITEM)
    body["sub_items"] += [{"code": f"{SERVICE_ITEM}-91", "name": "将被使用的办理项"},
                          {"code": f"{SERVICE_ITEM}-92", "name": "不再办理的办理项"}]
    assert client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body).status_code == 200
    case_id, result = receive(desks["clerk"], sub_item_code=f"{SERVICE_ITEM}-91")
    assert result["status"] == "accepted", result
    body = _editable(client, SERVICE_ITEM)
    used = {**body, "sub_items": [s for s in body["sub_items"] if s["code"] != f"{SERVICE_ITEM}-91"],
            "removed_sub_items": [f"{SERVICE_ITEM}-91"]}
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=used)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "sub_item_in_use"), r.text
    assert "已有 1 件办件使用" in r.json()["error"]["message"]
    other = client.get("/api/v1/catalogue/items").json()
    foreign = next(i["code"] for i in other if i["code"] != SERVICE_ITEM)
    foreign_sub = (client.get(f"/api/v1/catalogue/items/{foreign}").json()["sub_items"] or [{"code": "nope"}])[0]
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json={**body, "removed_sub_items": [foreign_sub["code"]]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "catalogue_invalid")
    codes = [s["code"] for s in _editable(client, SERVICE_ITEM)["sub_items"]]
    assert f"{SERVICE_ITEM}-91" in codes and f"{SERVICE_ITEM}-92" in codes  # nothing changed by a refusal
    unused = {**body, "sub_items": [s for s in body["sub_items"] if s["code"] != f"{SERVICE_ITEM}-92"],
              "removed_sub_items": [f"{SERVICE_ITEM}-92"]}
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=unused)
    assert r.status_code == 200, r.text
    assert f"{SERVICE_ITEM}-92" not in [s["code"] for s in r.json()["item"]["sub_items"]]
    assert f"{SERVICE_ITEM}-91" in [s["code"] for s in r.json()["item"]["sub_items"]]
    with database.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.item_save")
                          .order_by(AuditEntry.id.desc())).first()
    assert [f"{SERVICE_ITEM}-92", "不再办理的办理项"] in audit.detail["before"]["sub_items"]
    assert [f"{SERVICE_ITEM}-92", "不再办理的办理项"] not in audit.detail["after"]["sub_items"]
