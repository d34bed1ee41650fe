"""The archive cross-checks each 送达 record (issue 15, item 5): the SM3 a 送达 recorded must be that of a notice
the archive holds. A notice served before a later event changed its text (the grant notice before 制证 gave
the licence its number) is filed as served; a 送达 of bytes no notice of the case has is reported by the
archive's verification, like a changed or missing document."""

from __future__ import annotations

import pytest

from server.archive.assemble import read_manifest, verify_archive
from server.archive.domain import storage_of
from server.archive.models import CaseArchive
from server.core.settings import Settings
from shared.approval import commands as cmd
from shared.crypto.sm2 import Signer, sm3_hex
from tests.approval_server.support import (LICENCE_ITEM, LICENCE_SITUATION, LICENCE_STEPS, PASSWORD, PERSON_ID,
                                           command, receive)
from tests.approval_server.test_archive import _hall_id, _run_job
from tests.fixtures.server import FAST_HASH, login


@pytest.fixture
def database(sqlite_database):  # noqa: ANN001, ANN201 - rendering is backend-independent: SQLite only
    return sqlite_database


@pytest.fixture
def settings(tmp_path, storage_settings: dict) -> Settings:  # noqa: ANN001 - on each storage backend
    return Settings(data_dir=tmp_path, password_iterations=FAST_HASH, **storage_settings)


def _finished(desks, http, *, serve_before: type, served=lambda pdf: pdf) -> str:  # noqa: ANN001
    """A licence case taken to 办结 with its grant notice served just before the step `serve_before`; the
    bytes the 送达 records are `served(the server's notice as it stands then)`."""
    clerk = desks["clerk"]
    case_id, r = receive(clerk, item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    assert clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))["status"] == "accepted"
    status, version = "in_review", 2
    staff = http.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).json()
    for user, kind, fields in LICENCE_STEPS:
        if kind is serve_before:
            pdf = http.get(f"/api/v1/cases/{case_id}/notices/grant",
                           headers={"Authorization": f"Bearer {staff['token']}"}).content
            sig = Signer.generate().sign(served(pdf))
            r = clerk.send(command(cmd.ServeNotice, case_id, version, status, "2026-11-05", clerk, notice="grant",
                                   method="direct", recipient="张三", digest=sig.digest, signature=sig.signature,
                                   signer_key=sig.public_key))
            assert r["status"] == "accepted", r
            version += 1
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-05", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status, version = r["result"]["status"], version + 1
    assert status == "closed"
    return case_id


def _archived(app, clock, database, settings, case_id: str) -> tuple[CaseArchive, dict]:  # noqa: ANN001
    assert _run_job(app, clock) == 1
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        s.expunge(row)
    return row, read_manifest(storage_of(settings), row)[1]


def test_a_notice_served_before_a_later_step_changed_it_is_filed_as_served(desks, client, app, clock,  # noqa: ANN001
                                                                            database, settings) -> None:
    case_id = _finished(desks, client, serve_before=cmd.MakeLicence)  # served without the licence's number
    row, manifest = _archived(app, clock, database, settings, case_id)
    grants = [d for d in manifest["documents"] if d.get("notice") == "grant"]
    assert [d["title"] for d in grants] == ["准予行政许可决定书", "准予行政许可决定书（2026-11-05送达文本）"]
    (served,) = manifest["services"]
    assert served["notice"] == "grant" and served["digest"] == grants[1]["sm3"] != grants[0]["sm3"]
    report = verify_archive(storage_of(settings), row)
    assert report.ok, report.as_dict()


def test_a_service_of_bytes_the_archive_does_not_hold_is_reported(desks, client, app, clock, database,  # noqa: ANN001
                                                                  settings) -> None:
    # the counter served something else than the case's notice (one byte changed): the record's SM3 is that
    case_id = _finished(desks, client, serve_before=cmd.Close, served=lambda pdf: pdf[:-2] + b"X\n")
    row, manifest = _archived(app, clock, database, settings, case_id)
    report = verify_archive(storage_of(settings), row).as_dict()
    record = next(d for d in manifest["documents"] if d["kind"] == "service")
    assert report["ok"] is False and report["manifest"] == "ok"
    assert [(p["no"], p["problem"]) for p in report["problems"]] == [(record["no"], "service_mismatch")]
    assert report["problems"][0]["title"] == "准予行政许可决定书送达记录（2026-11-05）"
    # through the route the 电子档案 page calls
    headers = login(client, "supervisor")
    url = f"/api/v1/halls/{_hall_id(database)}/archives/{case_id}/verification"
    assert client.get(url, headers=headers).json()["problems"][0]["problem"] == "service_mismatch"


def test_a_served_notice_changed_in_the_archive_fails_both_checks(desks, client, app, clock, database,  # noqa: ANN001
                                                                  settings) -> None:
    case_id = _finished(desks, client, serve_before=cmd.Close)
    row, manifest = _archived(app, clock, database, settings, case_id)
    storage = storage_of(settings)
    assert verify_archive(storage, row).ok
    (grant,) = [d for d in manifest["documents"] if d.get("notice") == "grant"]
    assert grant["sm3"] == manifest["services"][0]["digest"]  # served as the server renders it: filed once
    altered = bytearray(storage.get(grant["file"]))
    altered[len(altered) // 2] ^= 0x01
    storage.put(grant["file"], bytes(altered))
    assert sm3_hex(bytes(altered)) != grant["sm3"]
    problems = {p["problem"] for p in verify_archive(storage, row).problems}
    assert problems == {"changed", "service_mismatch"}


def test_the_verification_page_shows_the_sm3_the_signature_inside_the_pdf_names(desks, client) -> None:  # noqa: ANN001
    """The QR's /v/ page lists each 送达 of the notice with the SM3 served; the PDF saved with its signature
    inside names the same SM3 for its signed revision (shared.notices.pdf_signature)."""
    from shared.notices.pdf_signature import embed, verify_embedded
    from tests.approval_server.test_licences import token_of
    case_id = _finished(desks, client, serve_before=cmd.Close)
    staff = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}).json()
    pdf = client.get(f"/api/v1/cases/{case_id}/notices/grant",
                     headers={"Authorization": f"Bearer {staff['token']}"}).content  # the bytes served
    check = verify_embedded(embed(pdf, Signer.generate().sign(pdf)))
    assert check.ok
    page = client.get(f"/v/{token_of(pdf)}").text
    assert "文书核验结果" in page and "送达文书SM3" in page and check.signature.digest in page
    assert "<dt>送达日期</dt><dd>2026年11月5日</dd>" in page
