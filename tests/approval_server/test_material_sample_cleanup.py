"""A material's sample file (样表) leaves the store with its material, but only once the change has committed:
a catalogue save that removes the material deletes the sealed bytes; the admin's 删除样表文件 too; an xlsx
import that removes the material and is then refused (a later item of the same sheet is wrong, so nothing is
imported) keeps both the record and the bytes, and the sample still opens."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook

from server.attachments.service import store_of
from server.storage import BlobMissing
from server.store.models import MaterialSampleFile
from tests.approval_server.support import SERVICE_ITEM, SERVICE_SITUATION
from tests.fixtures.server import login

URL = "/api/v1/admin/catalogue"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _item(client) -> dict:  # noqa: ANN001
    return client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()


def _upload(client, admin, material_id: int) -> None:  # noqa: ANN001
    r = client.put(f"{URL}/materials/{material_id}/sample", headers=admin,
                   json={"file_name": "申请表样表.pdf", "data": base64.b64encode(PDF).decode()})
    assert r.status_code == 200, r.text


def _object(database, material_id: int) -> str | None:  # noqa: ANN001
    with database.session() as s:
        row = s.get(MaterialSampleFile, material_id)
        return None if row is None else f"{row.object_id}/0"


def _stored(app, name: str) -> bool:  # noqa: ANN001
    try:
        store_of(app.state.settings).get(name)
        return True
    except BlobMissing:
        return False


def _body(item: dict, drop: str) -> dict:
    """The item as the admin's 事项目录 page sends it, without the material named `drop`."""
    keys = ("name", "required", "form", "copies", "sample_note", "sample_file")
    return {**{k: item[k] for k in ("name", "category", "department_id", "statutory_limit_days",
                                    "promised_limit_days", "fee", "online", "note")},
            "sub_items": [{"code": s["code"], "name": s["name"]} for s in item["sub_items"]],
            "situations": [{"code": s["code"], "name": s["name"],
                            "materials": [{k: m[k] for k in keys} for m in s["materials"] if m["name"] != drop]}
                           for s in item["situations"]]}


def test_removing_a_material_or_its_sample_deletes_the_sealed_bytes(desks, client, database, app) -> None:  # noqa: ANN001
    admin = login(client)
    item = _item(client)
    situation = next(s for s in item["situations"] if s["code"] == SERVICE_SITUATION)
    removed, kept = situation["materials"][0], situation["materials"][1]
    for material in (removed, kept):
        _upload(client, admin, material["id"])
    removed_object, kept_object = _object(database, removed["id"]), _object(database, kept["id"])
    assert _stored(app, removed_object) and _stored(app, kept_object)
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=_body(item, removed["name"]))
    assert r.status_code == 200, r.text
    assert removed["name"] not in [m["name"] for s in r.json()["item"]["situations"] for m in s["materials"]]
    assert _object(database, removed["id"]) is None and not _stored(app, removed_object)
    assert _stored(app, kept_object)  # the other material's sample is untouched
    assert client.get(f"{URL}/materials/{kept['id']}/sample", headers=admin).content == PDF
    # 删除样表文件: the record and, once committed, the bytes
    assert client.delete(f"{URL}/materials/{kept['id']}/sample", headers=admin).status_code == 204
    assert _object(database, kept["id"]) is None and not _stored(app, kept_object)


def test_a_refused_import_keeps_the_sample_of_the_material_it_would_have_removed(desks, client, database,
                                                                                 app) -> None:  # noqa: ANN001
    admin = login(client)
    item = _item(client)
    material = next(s for s in item["situations"] if s["code"] == SERVICE_SITUATION)["materials"][0]
    _upload(client, admin, material["id"])
    stored = _object(database, material["id"])
    sheet = client.get(f"{URL}/export", headers=admin).json()
    book = load_workbook(io.BytesIO(base64.b64decode(sheet["xlsx_base64"])))
    rows = book.active
    header = [c.value for c in rows[1]]
    code, s_code, m_name = header.index("事项编码"), header.index("情形编码"), header.index("材料名称")
    ours = [r for r in range(2, rows.max_row + 1) if rows.cell(r, code + 1).value == SERVICE_ITEM
            and rows.cell(r, s_code + 1).value == SERVICE_SITUATION and rows.cell(r, m_name + 1).value == material["name"]]
    assert len(ours) == 1
    other = next(r for r in range(2, rows.max_row + 1) if rows.cell(r, code + 1).value != SERVICE_ITEM)
    bad = [c.value for c in rows[other]]
    bad[code], bad[header.index("事项名称")] = "ZZ-NEW", "新事项"  # names another item's situation: refused
    rows.delete_rows(ours[0])
    rows.append(bad)
    out = io.BytesIO()
    book.save(out)
    r = client.post(f"{URL}/import", headers=admin,
                    json={"filename": "事项目录.xlsx", "xlsx_base64": base64.b64encode(out.getvalue()).decode()})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "catalogue_rows_invalid"), r.text
    assert "ZZ-NEW" in r.json()["error"]["message"]
    # nothing imported: the material, its sample record and its sealed bytes are all still there
    assert material["name"] in [m["name"] for s in _item(client)["situations"] for m in s["materials"]]
    assert _object(database, material["id"]) == stored and _stored(app, stored)
    assert client.get(f"{URL}/materials/{material['id']}/sample", headers=admin).content == PDF
