"""Material samples (样表/示例, issue 14): the admin saves a note and/or a sample file name with a catalogue
material; the public catalogue (what citizens are shown) returns it, the halls get it in the published
`material` rows, the audit keeps before and after, a bad file name is refused, and the xlsx export carries it
back in (a sheet made before the sample columns still imports, keeping the samples). SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from server.store.models import AuditEntry
from server.sync.models import ChangeLog
from tests.approval_server.support import SERVICE_ITEM, SERVICE_SITUATION
from tests.approval_server.test_catalogue_admin import URL, _editable, _send, _sheet
from tests.fixtures.server import login

NOTE = "按样表填写申请人名称，须与营业执照一致；加盖公章"
FILE = "申请表样表.pdf"


def _with_sample(body: dict, note: str = NOTE, file: str = FILE) -> tuple[dict, str]:
    situation = next(s for s in body["situations"] if s["code"] == SERVICE_SITUATION)
    material = situation["materials"][0]
    material.update(sample_note=note, sample_file=file)
    return body, material["name"]


def _material(client, name: str) -> dict:  # noqa: ANN001
    item = client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()  # public: what the citizen sees
    situation = next(s for s in item["situations"] if s["code"] == SERVICE_SITUATION)
    return next(m for m in situation["materials"] if m["name"] == name)


def test_a_sample_is_saved_published_and_audited(desks, client, database) -> None:  # noqa: ANN001
    admin = login(client)
    body, name = _with_sample(_editable(client, SERVICE_ITEM))
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["definition_versions"][SERVICE_SITUATION] == 1  # a sample is no new definition version
    shown = _material(client, name)
    assert (shown["sample_note"], shown["sample_file"]) == (NOTE, FILE)
    with database.session() as s:
        rows = [c.row for c in s.scalars(select(ChangeLog).where(ChangeLog.tbl == "material")
                                          .order_by(ChangeLog.seq)) if c.row and c.row["id"] == shown["id"]]
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.item_save")).one()
    assert rows and (rows[-1]["sample_note"], rows[-1]["sample_file"]) == (NOTE, FILE)  # every hall gets it
    after = next(x for x in audit.detail["after"]["situations"] if x["code"] == SERVICE_SITUATION)["materials"]
    before = next(x for x in audit.detail["before"]["situations"] if x["code"] == SERVICE_SITUATION)["materials"]
    assert after[0][-2:] == [NOTE, FILE] and before[0][-2:] == ["", ""]
    cleared, _ = _with_sample(_editable(client, SERVICE_ITEM), "", "")
    assert client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=cleared).status_code == 200
    assert _material(client, name)["sample_file"] == ""


def test_bad_samples_are_refused_and_nothing_written(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    for note, file in (("", "../etc/passwd"), ("", "a\\b.pdf"), ("x" * 501, "")):
        body, name = _with_sample(_editable(client, SERVICE_ITEM), note, file)
        r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request"), r.text
        assert _material(client, name)["sample_note"] == ""
    body, _ = _with_sample(_editable(client, SERVICE_ITEM))
    r = client.put(f"{URL}/items/{SERVICE_ITEM}", headers=login(client, "clerk"), json=body)
    assert r.status_code == 403


def test_samples_round_trip_through_the_xlsx(desks, client) -> None:  # noqa: ANN001
    admin = login(client)
    body, name = _with_sample(_editable(client, SERVICE_ITEM))
    assert client.put(f"{URL}/items/{SERVICE_ITEM}", headers=admin, json=body).status_code == 200
    book = _sheet(client, admin)
    sheet = book.active
    assert [sheet.cell(1, c).value for c in (13, 14)] == ["样表说明", "样表文件名"]
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, 7).value == SERVICE_SITUATION and sheet.cell(r, 9).value == name)
    assert (sheet.cell(row, 13).value, sheet.cell(row, 14).value) == (NOTE, FILE)
    sheet.cell(row, 13).value = "新的填写说明"
    r = _send(client, admin, book)
    assert r.status_code == 200 and r.json()["new_versions"] == 0, r.text
    assert _material(client, name)["sample_note"] == "新的填写说明"
    sheet.cell(row, 14).value = "子目录/样表.pdf"
    bad = _send(client, admin, book)
    assert bad.status_code == 422 and bad.json()["error"]["details"]["errors"][0]["row"] == row
    assert "样表文件名" in bad.json()["error"]["message"]
    sheet.cell(row, 14).value = FILE
    sheet.delete_cols(13, 2)  # a sheet prepared before the sample columns: still imports, samples kept
    old = _send(client, admin, book)
    assert old.status_code == 200, old.text
    assert (_material(client, name)["sample_note"], _material(client, name)["sample_file"]) == ("新的填写说明", FILE)
