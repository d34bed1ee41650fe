"""A material's sample file (样表, issue 14): the admin uploads a PDF or an image with a catalogue material; the
server keeps it sealed in the attachment store, names it in the material, publishes a `material_sample` row
(SHA-256 and all) to every hall, audits before and after, and serves it to workstations and dispensers with an
ETag. Refusals: not a PDF/JPEG/PNG by content (a renamed file too), too big, empty, not base64, no such
material, not an admin, a device kind that shows no materials. SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

import base64
import hashlib

from sqlalchemy import select

from server.attachments.service import store_of
from server.storage import BlobMissing
from server.store.models import AuditEntry, MaterialSampleFile
from server.sync.models import ChangeLog
from shared.material_sample import SAMPLE_MAX_BYTES, sample_etag
from tests.access.support import device
from tests.approval_server.support import SERVICE_ITEM, SERVICE_SITUATION
from tests.fixtures.server import login

URL = "/api/v1/admin/catalogue/materials"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _material(client) -> dict:  # noqa: ANN001
    item = client.get(f"/api/v1/catalogue/items/{SERVICE_ITEM}").json()
    situation = next(s for s in item["situations"] if s["code"] == SERVICE_SITUATION)
    return situation["materials"][0]


def _body(data: bytes, name: str = "申请表样表.pdf") -> dict:
    return {"file_name": name, "data": base64.b64encode(data).decode()}


def _code(r) -> str:  # noqa: ANN001
    return r.json()["error"]["code"]


def _published(database, material_id: int) -> list:  # noqa: ANN001
    with database.session() as s:
        return [(c.op, c.row) for c in s.scalars(select(ChangeLog).where(
            ChangeLog.tbl == "material_sample", ChangeLog.pk == str(material_id)).order_by(ChangeLog.seq))]


def test_a_sample_file_is_stored_sealed_published_and_served(desks, client, database, app, hall_id) -> None:  # noqa: ANN001
    admin = login(client)
    material = _material(client)
    url = f"{URL}/{material['id']}/sample"
    assert _code(client.get(url, headers=admin)) == "no_sample"
    r = client.put(url, headers=admin, json=_body(PDF))
    assert r.status_code == 200, r.text
    sha = hashlib.sha256(PDF).hexdigest()
    assert r.json() == {"material_id": material["id"], "file_name": "申请表样表.pdf", "mime": "application/pdf",
                        "size": len(PDF), "sha256": sha}
    assert _material(client)["sample_file"] == "申请表样表.pdf"  # the public catalogue names it
    listed = client.get(f"/api/v1/admin/catalogue/items/{SERVICE_ITEM}/samples", headers=admin).json()
    assert listed == [r.json()]  # the admin's page shows which materials have a file
    served = client.get(url, headers=admin)
    assert served.content == PDF and served.headers["content-type"] == "application/pdf"
    with database.session() as s:  # sealed at rest: the store holds no clear bytes
        row = s.get(MaterialSampleFile, material["id"])
        stored = store_of(app.state.settings).get(f"{row.object_id}/0")
    assert PDF not in stored and b"%PDF" not in stored
    changes = _published(database, material["id"])
    assert changes[-1][0] == "upsert" and changes[-1][1]["sha256"] == sha
    assert changes[-1][1]["situation_code"] == SERVICE_SITUATION and changes[-1][1]["material"] == material["name"]
    # a workstation and a dispenser read it with their device tokens; an unchanged file costs a 304
    ws = {"Authorization": f"Bearer {desks['clerk'].token}"}
    read = client.get(f"/api/v1/sync/material-samples/{material['id']}", headers=ws)
    assert read.content == PDF and read.headers["etag"] == sample_etag(sha)
    again = client.get(f"/api/v1/sync/material-samples/{material['id']}",
                       headers={**ws, "If-None-Match": read.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    dispenser = {"Authorization": f"Bearer {device(database, 'dispenser', hall_id)[1]}"}
    assert client.get(f"/api/v1/sync/material-samples/{material['id']}", headers=dispenser).content == PDF
    for kind in ("evaluator", "display", "controller"):
        token = device(database, kind, hall_id)[1]
        refused = client.get(f"/api/v1/sync/material-samples/{material['id']}",
                             headers={"Authorization": f"Bearer {token}"})
        assert (refused.status_code, _code(refused)) == (403, "sample_not_for_device"), kind
    assert _code(client.get(f"/api/v1/sync/material-samples/{material['id']}")) == "device_token_required"
    # replaced by an image: the old object is gone once committed, the row says the new SHA-256
    old_object = row.object_id
    assert client.put(url, headers=admin, json=_body(PNG, "样表.png")).json()["mime"] == "image/png"
    assert client.get(url, headers=admin).content == PNG
    assert _published(database, material["id"])[-1][1]["sha256"] == hashlib.sha256(PNG).hexdigest()
    try:
        store_of(app.state.settings).get(f"{old_object}/0")
        raise AssertionError("the replaced sample's bytes are still stored")
    except BlobMissing:
        pass
    with database.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.sample_upload")
                          .order_by(AuditEntry.id)).all()
    assert audit[0].detail["before"] is None and audit[0].detail["after"]["sha256"] == sha
    assert audit[1].detail["before"]["sha256"] == sha and audit[1].actor == "admin"
    # removed: devices get a tombstone, the material no longer names a file
    assert client.delete(url, headers=admin).status_code == 204
    assert _published(database, material["id"])[-1][0] == "delete"
    assert _material(client)["sample_file"] == ""
    assert _code(client.get(f"/api/v1/sync/material-samples/{material['id']}", headers=ws)) == "no_sample"


def test_bad_sample_files_are_refused_and_nothing_written(desks, client, database) -> None:  # noqa: ANN001
    admin = login(client)
    material = _material(client)
    url = f"{URL}/{material['id']}/sample"
    gif = b"GIF89a" + b"\x00" * 40
    cases = [(_body(gif, "伪装.pdf"), 415, "sample_type_not_allowed"),   # named .pdf, is a GIF
             (_body(b"PK\x03\x04 docx"), 415, "sample_type_not_allowed"),
             (_body(b"%PDF-" + b"\x00" * SAMPLE_MAX_BYTES), 413, "sample_too_large"),
             ({"file_name": "x.pdf", "data": "!!!!"}, 422, "invalid_base64"),
             (_body(PDF, "../x.pdf"), 422, "invalid_request")]
    for body, status, code in cases:
        r = client.put(url, headers=admin, json=body)
        assert (r.status_code, _code(r)) == (status, code), r.text
    assert _code(client.put(f"{URL}/999999/sample", headers=admin, json=_body(PDF))) == "material_not_found"
    for user in ("clerk", "supervisor"):
        r = client.put(url, headers=login(client, user), json=_body(PDF))
        assert r.status_code == 403, user
    with database.session() as s:
        assert s.get(MaterialSampleFile, material["id"]) is None
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.sample_upload")).all() == []
    assert _published(database, material["id"]) == [] and _material(client)["sample_file"] == ""
