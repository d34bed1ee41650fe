"""The electronic archive on an S3 bucket (moto's S3 server on loopback): a finished case's documents and
manifest are objects in the bucket, sealed (no PDF, no applicant's name in clear), and verify against the
signed manifest; with the store down the job files nothing and leaves nothing behind, the archive routes answer
503 storage_unavailable, and the case is filed once the store is back; a restarted server with an empty data
folder verifies and exports from the same bucket. (test_archive.py runs on both backends.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.archive.models import CaseArchive
from server.core.settings import Settings
from server.main import create_app
from server.storage import s3 as s3_backend
from tests.approval_server.support import finish_licence_case
from tests.approval_server.test_archive import _hall_id, _run_job
from tests.fixtures.server import FAST_HASH, login

PREFIX = "dg/prod"


@pytest.fixture
def database(sqlite_database):  # noqa: ANN001, ANN201
    return sqlite_database


@pytest.fixture
def settings(tmp_path: Path, s3_server, s3_bucket: str) -> Settings:  # noqa: ANN001
    return Settings(data_dir=tmp_path, password_iterations=FAST_HASH, **s3_server.settings(s3_bucket, PREFIX))


def _objects(s3_server, bucket: str) -> dict[str, bytes]:  # noqa: ANN001
    client = s3_server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def _archived(database, case_id: str) -> CaseArchive | None:  # noqa: ANN001
    with database.session() as s:
        row = s.get(CaseArchive, case_id)
        if row is not None:
            s.expunge(row)
        return row


def test_the_archive_is_sealed_in_the_bucket_verifies_and_survives_a_restart(  # noqa: ANN001
        desks, client, app, clock, database, settings, s3_server, s3_bucket, tmp_path) -> None:
    case_id = finish_licence_case(desks, client)
    assert _run_job(app, clock) == 1
    row = _archived(database, case_id)
    objects = _objects(s3_server, s3_bucket)
    base = f"{PREFIX}/archive/{row.archive_no}/"
    assert sorted(objects) == sorted([f"{base}{row.archive_no}-{n:03d}.pdf" for n in range(1, row.document_count + 1)]
                                     + [f"{base}manifest.json"])
    for raw in objects.values():  # ciphertext only: no PDF, no manifest text, no applicant
        assert not raw.startswith(b"GHA1%PDF") and b"%PDF" not in raw and "张三".encode() not in raw
        assert b'"documents"' not in raw
    assert not (settings.data_dir / "archive").exists()
    headers = login(client, "supervisor")
    url = f"/api/v1/halls/{_hall_id(database)}/archives/{case_id}"
    assert client.get(f"{url}/verification", headers=headers).json() | {"problems": []} == {
        "archive_no": row.archive_no, "ok": True, "manifest": "ok", "documents": row.document_count, "problems": []}

    # one byte of a document changed in the bucket: the seal refuses it, verification names it
    key = sorted(objects)[1]
    altered = bytearray(objects[key])
    altered[-30] ^= 0x04
    s3_server.client().put_object(Bucket=s3_bucket, Key=key, Body=bytes(altered))
    report = client.get(f"{url}/verification", headers=headers).json()
    assert report["ok"] is False and [p["problem"] for p in report["problems"]][:1] == ["unreadable"]
    s3_server.client().put_object(Bucket=s3_bucket, Key=key, Body=objects[key])  # put back

    # A new server process with an empty data folder, the same database and bucket
    s3_backend._clients.clear()
    fresh = Settings(data_dir=tmp_path / "other-machine", password_iterations=FAST_HASH,
                     **s3_server.settings(s3_bucket, PREFIX))
    with TestClient(create_app(fresh, database=database, clock=clock)) as again:
        headers = login(again, "supervisor")
        assert again.get(f"{url}/verification", headers=headers).json()["ok"] is True
        exported = again.get(f"{url}/export", headers=headers)
        assert exported.status_code == 200 and exported.content.startswith(b"%PDF")


def test_with_the_store_down_nothing_is_filed_and_the_case_is_filed_once_it_is_back(  # noqa: ANN001
        desks, client, app, clock, database, settings, s3_server, s3_bucket) -> None:
    first = finish_licence_case(desks, client, "张三")
    assert _run_job(app, clock) == 1
    before = _objects(s3_server, s3_bucket)
    second = finish_licence_case(desks, client, "李四", day="2026-11-06")
    headers = login(client, "supervisor")
    url = f"/api/v1/halls/{_hall_id(database)}/archives"
    s3_server.stop()
    try:
        assert _run_job(app, clock) == 0  # the job logs it and tries again next minute
        assert _archived(database, second) is None
        for path in (f"{url}/{first}/verification", f"{url}/{first}/export", f"{url}/{first}"):
            r = client.get(path, headers=headers)  # never a 500, nor an archive reported missing or altered
            assert r.status_code == 503, (path, r.text)
            assert r.json()["error"]["code"] == "storage_unavailable"
            assert "文件存储暂不可用" in r.json()["error"]["message"]
    finally:
        s3_server.start()
    assert _objects(s3_server, s3_bucket) == before  # nothing half-written for the second case
    with database.session() as s:
        assert s.scalars(select(CaseArchive.case_id)).all() == [first]
    assert _run_job(app, clock) == 1
    row = _archived(database, second)
    assert len(_objects(s3_server, s3_bucket)) == len(before) + row.document_count + 1
    assert client.get(f"{url}/{second}/verification", headers=headers).json()["ok"] is True
