"""The electronic archive (server/archive): a finished case is filed once with numbered documents and a signed
SM3 manifest; a changed byte, a missing file and a changed manifest are reported; exports as a folder, a
zip, a single PDF (cover in Chinese, contents) and by period; disposal refused before retention ends."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from server.archive.assemble import DisposalRefused, build_archive, dispose, read_manifest, verify_archive
from server.archive.domain import JOB, storage_of
from server.archive.export import export_folder
from server.archive.models import CaseArchive
from server.core.settings import Settings
from server.storage import blob_store
from server.store.models import AuditEntry
from shared.archive import ArchivePolicy, add_years, filing_order, may_dispose
from shared.crypto.sm2 import sm3_hex, verify_digest
from tests.approval_server.support import finish_licence_case, receive
from tests.fixtures.server import FAST_HASH, login


@pytest.fixture
def database(sqlite_database):  # noqa: ANN001, ANN201 - rendering is backend-independent: SQLite only
    return sqlite_database


@pytest.fixture
def settings(tmp_path, storage_settings: dict) -> Settings:  # noqa: ANN001 - on each storage backend
    return Settings(data_dir=tmp_path, password_iterations=FAST_HASH, **storage_settings)


def _run_job(app, clock) -> int:  # noqa: ANN001
    """The scheduler as `serve` runs it, a little later each time (the job runs once a minute)."""
    clock.advance(minutes=2)
    return app.state.scheduler.run_due(clock()).get(JOB, 0)


def _storage(settings):  # noqa: ANN001, ANN202
    return storage_of(settings)


def test_finished_case_is_archived_once_with_numbered_documents_and_a_signed_manifest(
        desks, client, app, clock, database, settings) -> None:  # noqa: ANN001
    open_case, _ = receive(desks["clerk"])  # received only: not finished, not archived
    case_id = finish_licence_case(desks, client)
    assert _run_job(app, clock) == 1
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        assert s.get(CaseArchive, open_case) is None
        assert row.archive_no == "DG-HALL-1-2026-000001" and row.closed_on == dt.date(2026, 11, 5)
        assert row.retention_until == dt.date(2056, 11, 5)  # the default 30 years
        body, manifest = read_manifest(_storage(settings), row)
    assert sm3_hex(body) == row.manifest_sm3 and verify_digest(row.manifest_sm3, row.manifest_signature,
                                                               row.signer_key)
    docs = manifest["documents"]
    assert [d["no"] for d in docs] == [f"DG-HALL-1-2026-000001-{n:03d}" for n in range(1, len(docs) + 1)]
    assert [d["kind"] for d in docs] == ["application", "notice", "notice", "notice", "service", "opinions",
                                         "licence"]  # the certificate 制证 made
    assert [d["title"] for d in docs if d["kind"] == "notice"] == ["收件回执", "受理通知书", "准予行政许可决定书"]
    assert row.document_count == len(docs)
    # stored sealed: no plain PDF on disk or in the bucket
    raw = blob_store(settings, "archive").get(docs[0]["file"])
    assert not raw.startswith(b"%PDF") and b"%PDF" not in raw[:64]
    # never twice: the job again, and a direct build, leave the one archive as it was
    assert _run_job(app, clock) == 0
    with database.session() as s:
        again = build_archive(s, case_id, clock(), _storage(settings), settings.data_dir)
        assert again.archive_no == row.archive_no and again.built_at == row.built_at
        assert len(s.scalars(select(CaseArchive)).all()) == 1


def test_a_changed_byte_a_missing_file_and_a_changed_manifest_are_reported(desks, client, app, clock,  # noqa: ANN001
                                                                           database, settings) -> None:
    case_id = finish_licence_case(desks, client)
    _run_job(app, clock)
    headers = login(client, "supervisor")
    url = f"/api/v1/halls/{_hall_id(database)}/archives/{case_id}"
    assert client.get(f"{url}/verification", headers=headers).json()["ok"] is True
    storage = _storage(settings)
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        docs = read_manifest(storage, row)[1]["documents"]
    # one byte changed in a document's content (re-sealed: only the manifest can tell)
    changed = bytearray(storage.get(docs[1]["file"]))
    changed[len(changed) // 2] ^= 0x01
    storage.put(docs[1]["file"], bytes(changed))
    # one byte flipped in another document's stored file (on disk or in the bucket): the seal refuses it
    blobs = blob_store(settings, "archive")
    raw = bytearray(blobs.get(docs[2]["file"]))
    raw[-20] ^= 0x80
    blobs.put(docs[2]["file"], bytes(raw))
    blobs.delete(docs[3]["file"])
    report = client.get(f"{url}/verification", headers=headers).json()
    assert report["ok"] is False and report["manifest"] == "ok"
    service = next(d for d in docs if d["kind"] == "service")
    assert docs[3]["title"] == "准予行政许可决定书"  # the notice served: its 送达 record has it no more
    assert {(p["no"], p["problem"]) for p in report["problems"]} == {
        (docs[1]["no"], "changed"), (docs[2]["no"], "unreadable"), (docs[3]["no"], "missing"),
        (service["no"], "service_mismatch")}
    refused = client.get(f"{url}/export", headers=headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "archive_altered"
    # the manifest rewritten (a document's digest edited to hide the change): its own SM3 no longer matches
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        _, manifest = read_manifest(storage, row)
        manifest["documents"][1]["sm3"] = sm3_hex(bytes(changed))
        storage.put(f"{row.archive_no}/manifest.json", json.dumps(manifest).encode())
        assert verify_archive(storage, row).manifest == "changed"


def _hall_id(database) -> int:  # noqa: ANN001
    from shared.db.models import Hall
    with database.session() as s:
        return s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()


def test_export_as_folder_zip_and_single_pdf(desks, client, app, clock, database, settings, tmp_path) -> None:  # noqa: ANN001
    import pypdfium2 as pdfium
    case_id = finish_licence_case(desks, client)
    _run_job(app, clock)
    storage = _storage(settings)
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        folder = export_folder(storage, row, tmp_path / "out")
        manifest = json.loads((folder / "manifest.json").read_bytes())
        for d in manifest["documents"]:
            assert sm3_hex((folder / d["file"].split("/")[-1]).read_bytes()) == d["sm3"]
        assert sm3_hex((folder / "manifest.json").read_bytes()) == row.manifest_sm3
    headers = login(client, "supervisor")
    url = f"/api/v1/halls/{_hall_id(database)}/archives/{case_id}/export"
    zipped = client.get(url, params={"format": "folder"}, headers=headers)
    assert zipped.status_code == 200, zipped.text
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert f"{row.archive_no}/manifest.json" in names and len(names) == len(manifest["documents"]) + 1
    single = client.get(url, headers=headers)
    assert single.status_code == 200 and single.headers["content-type"] == "application/pdf"
    doc_pages = sum(len(pdfium.PdfDocument(storage.get(d["file"]))) for d in manifest["documents"])
    pdf = pdfium.PdfDocument(single.content)
    assert len(pdf) == 2 + doc_pages  # cover, contents, then every document's pages
    cover = pdf[0].get_textpage().get_text_range()
    assert "行政许可电子档案" in cover and row.archive_no in cover and "张三" in cover
    contents = pdf[1].get_textpage().get_text_range()
    assert "卷内目录" in contents and "准予行政许可决定书" in contents
    with database.session() as s:
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "archive.export")).all()
        assert len(exports) == 2 and {e.actor for e in exports} == {"supervisor"}


def test_batch_export_and_printable_list_by_period(desks, client, app, clock, database) -> None:  # noqa: ANN001
    import pypdfium2 as pdfium
    first, second = finish_licence_case(desks, client, "张三"), finish_licence_case(desks, client, "李四", day="2026-11-06")
    _run_job(app, clock)
    headers = login(client, "supervisor")
    base = f"/api/v1/halls/{_hall_id(database)}/archives"
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    listed = client.get(base, params=period, headers=headers).json()["archives"]
    assert [a["archive_no"] for a in listed] == ["DG-HALL-1-2026-000001", "DG-HALL-1-2026-000002"]
    assert {a["case_id"] for a in listed} == {first, second}
    zipped = client.get(f"{base}/period/export", params=period, headers=headers)
    assert zipped.status_code == 200, zipped.text
    folders = {n.split("/")[0] for n in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()}
    assert folders == {"DG-HALL-1-2026-000001", "DG-HALL-1-2026-000002"}
    only_first = client.get(base, params={"start": "2026-11-05", "end": "2026-11-05"}, headers=headers).json()
    assert [a["case_id"] for a in only_first["archives"]] == [first]
    printed = client.get(f"{base}/period/list", params=period, headers=headers)
    text = pdfium.PdfDocument(printed.content)[0].get_textpage().get_text_range()
    assert "归档清单" in text and "DG-HALL-1-2026-000002" in text
    bad = client.get(base, params={"start": "2026-11-30", "end": "2026-11-01"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_period"
    other = client.get(f"{base}/{first}", headers=login(client, "clerk"))
    assert other.status_code == 403


def test_disposal_is_refused_before_retention_ends_and_recorded_after(desks, client, app, clock, database,  # noqa: ANN001
                                                                      settings) -> None:
    case_id = finish_licence_case(desks, client)
    _run_job(app, clock)
    url = f"/api/v1/halls/{_hall_id(database)}/archives/{case_id}/disposal"
    body = {"reason": "保管期满", "approved_by": "档案鉴定小组", "approval_ref": "莞档销〔2057〕1号"}
    refused = client.post(url, json=body, headers=login(client, "admin"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "archive_retention_running"
    assert client.post(url, json=body, headers=login(client, "supervisor")).status_code == 403
    storage = _storage(settings)
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        with pytest.raises(DisposalRefused):
            dispose(s, storage, row, by="admin", reason="x", approved_by="y", approval_ref="z",
                    now=dt.datetime(2056, 11, 4, 8, tzinfo=dt.timezone.utc))
        record = dispose(s, storage, row, by="admin", reason="保管期满", approved_by="档案鉴定小组",
                         approval_ref="莞档销〔2057〕1号", now=dt.datetime(2056, 11, 5, 8, tzinfo=dt.timezone.utc))
        assert record.disposed_by == "admin" and row.status == "disposed"
        assert verify_archive(storage, row).manifest == "disposed"
    assert list(blob_store(settings, "archive").names()) == []  # the documents and the manifest
    again = client.post(url, json=body, headers=login(client, "admin"))
    assert again.json()["error"]["code"] == "archive_disposed"


def test_policy_order_and_retention_rules() -> None:
    policy = ArchivePolicy.from_dict({"hall_orders": {"H2": ["opinions", "application"]}, "retention_years": 30,
                                      "retention": {"00785": 50, "00785/opinions": 10, "kind:service": 15}})
    assert policy.years_of("00785", "notice") == 50 and policy.years_of("00785", "opinions") == 10
    assert policy.years_of("X", "service") == 15 and policy.years_of("X", "notice") == 30
    kinds = ["opinions", "notice", "zzz", "application", "material"]
    assert [kinds[i] for i in filing_order(kinds, policy.order_of("H1"))] == \
        ["application", "material", "notice", "opinions", "zzz"]
    assert [kinds[i] for i in filing_order(kinds, policy.order_of("H2"))][:2] == ["opinions", "application"]
    assert add_years(dt.date(2024, 2, 29), 30) == dt.date(2054, 2, 28)
    assert not may_dispose(dt.date(2056, 11, 5), dt.date(2056, 11, 4)) and may_dispose(dt.date(2056, 11, 5),
                                                                                     dt.date(2056, 11, 5))
    with pytest.raises(ValueError):
        ArchivePolicy.from_dict({"retention_years": 0})


def test_the_archive_files_the_uploaded_scans_as_received_and_the_certificate(desks, client, app, clock,  # noqa: ANN001
                                                                              database, settings) -> None:
    import hashlib
    import uuid

    from PIL import Image

    from server.approval.identity import pii_keys
    from server.approval.models import ApprovalCase
    from server.attachments.models import CaseAttachment
    from server.attachments.service import store_of
    from shared.attachments.sealed_file import seal_chunk
    case_id = finish_licence_case(desks, client)
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(buffer, "PNG")
    scan = buffer.getvalue()
    keys = getattr(app.state, "pii_keys", None) or pii_keys()
    attachment_id = str(uuid.uuid4())
    # as a completed upload leaves it: the row and its one sealed chunk in the attachment store
    store_of(settings).put(f"{attachment_id}/0", seal_chunk(scan, keys, f"attachment:{attachment_id}", 0))
    with database.session() as s:
        s.add(CaseAttachment(id=attachment_id, case_id=case_id, hall_id=s.get(ApprovalCase, case_id).hall_id,
                             ordinal=0, material="申请人身份证明", file_name="id.png", mime="image/png",
                             size=len(scan), sha256=hashlib.sha256(scan).hexdigest(), chunk_bytes=1 << 20, chunks=1,
                             state="complete", key_id=keys.current_key_id, device_id="counter",
                             created_at=clock(), completed_at=clock()))
        s.commit()
    assert _run_job(app, clock) == 1
    with database.session() as s:
        _, manifest = read_manifest(_storage(settings), s.get(CaseArchive, case_id))
    docs = manifest["documents"]
    assert [d["kind"] for d in docs][:2] == ["application", "material"] and docs[-1]["kind"] == "licence"
    assert docs[1]["title"] == "申请人身份证明（id.png）" and docs[1]["sm3"] == sm3_hex(scan)
    assert docs[-1]["title"].startswith("证照 ")
