"""Case attachments on an S3 bucket (moto's S3 server, a real HTTP endpoint on loopback): what the bucket holds
is ciphertext; an upload cut off resumes and the file comes down intact; a store that is down or has no
bucket is answered 503 storage_unavailable with nothing recorded, and the upload completes once it is back;
a restarted server (a new process, an empty data folder) serves the files from the same bucket.
The file-storage-independent behaviour runs on both backends in test_attachments.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client.services.attachments import AttachmentFolder, AttachmentTransfer, cache_key
from server.attachments.models import AttachmentChunk
from server.core.settings import Settings
from server.main import create_app
from server.storage import s3 as s3_backend
from server.store.database import Database
from shared.attachments import rules
from shared.protocol.attachments import CHUNK_DIGEST_HEADER
from shared.sync.errors import SyncFailed
from shared.sync.transport import TransportError
from tests.client.test_attachments import API, NOW, Hall, _device, _served, accept_offline, rows, scan
from tests.sync.harness.world import template_db

PREFIX = "hall-1"


@pytest.fixture
def s3_hall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3_server, s3_bucket):  # noqa: ANN001, ANN201
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield from _served(db, tmp_path, monkeypatch, s3_server.settings(s3_bucket, PREFIX))
    db.dispose()
    if s3_server.server is None:
        s3_server.start()


def bucket_objects(s3_server, bucket: str) -> dict[str, bytes]:  # noqa: ANN001
    """What an operator reading the bucket with their own client sees."""
    client = s3_server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_a_scan_cut_off_resumes_is_ciphertext_in_the_bucket_and_comes_down_intact(s3_hall: Hall, s3_server,  # noqa: ANN001
                                                                                   s3_bucket: str) -> None:
    hall = s3_hall
    counter = hall.workstation("clerk", "counter", window=1)
    size = 5 * rules.CHUNK_BYTES + 4321
    pdf = scan(hall.tmp / "scanner", "营业执照.pdf", size)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    hall.net.cut_after = 2  # two chunks reach the bucket, then the line dies
    with pytest.raises(TransportError):
        counter.attachment_sync.run_once()
    file_id = rows(counter)[0]["id"]
    assert sorted(bucket_objects(s3_server, s3_bucket)) == [f"{PREFIX}/attachments/{file_id}/{i}" for i in (0, 1)]

    # both sides restart (the server's running digest is gone: the whole file is checked from the bucket)
    hall.net.down, hall.net.cut_after = False, None
    hall.http.app.state.attachment_digests = None
    folder = AttachmentFolder(counter.acceptance.attachments_dir,
                              cache_key(counter.engine, counter.acceptance.attachments_dir))
    AttachmentTransfer(counter.sync, folder).upload_pending()
    assert rows(counter)[0]["state"] == "done"
    assert hall.net.chunk_bytes == size  # only what the bucket did not hold went again

    objects = bucket_objects(s3_server, s3_bucket)
    assert sorted(objects) == [f"{PREFIX}/attachments/{file_id}/{i}" for i in range(6)]
    clear = pdf.read_bytes()
    for key, raw in objects.items():  # ciphertext: no run of the scan in any object, not even its header
        index = int(key.rsplit("/", 1)[1])
        part = clear[index * rules.CHUNK_BYTES:(index + 1) * rules.CHUNK_BYTES]
        assert len(raw) > len(part) and b"%PDF" not in raw
        assert all(part[at:at + 32] not in raw for at in range(0, len(part) - 32, len(part) // 8))

    approver = hall.workstation("approver", "approver")
    approver.sync.sync_once()
    approver.attachment_sync.run_once()
    assert approver.attachments.read(case_id, hashlib.sha256(clear).hexdigest()) == clear
    whole = hall.http.get(f"{API}/{file_id}/content", headers=_device(hall, "workstation"))
    assert whole.status_code == 200 and whole.content == clear
    approver.attachments.close()


def _chunks(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[i:i + rules.CHUNK_BYTES] for i in range(0, len(data), rules.CHUNK_BYTES)]


def _held(hall: Hall, file_id: str) -> list[int]:
    with hall.db.session() as s:
        return list(s.scalars(select(AttachmentChunk.index).where(AttachmentChunk.attachment_id == file_id)
                              .order_by(AttachmentChunk.index)))


def test_a_store_that_is_down_is_answered_503_nothing_recorded_and_the_upload_completes_later(  # noqa: ANN001
        s3_hall: Hall, s3_server, s3_bucket: str) -> None:
    hall = s3_hall
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "身份证明.pdf", 2 * rules.CHUNK_BYTES + 99)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    file_id = rows(counter)[0]["id"]
    s3_server.stop()  # the object store goes down
    with pytest.raises(SyncFailed) as failed:
        counter.attachment_sync.run_once()
    assert failed.value.code == "storage_unavailable"
    assert rows(counter)[0]["state"] == "waiting" and rows(counter)[0]["code"] is None  # kept, tried again later
    assert _held(hall, file_id) == []  # no chunk recorded that the store does not hold

    # what the API answers: 503, the code, a Chinese sentence, the reason for the operator — never a 500
    chunk = _chunks(pdf)[0]
    r = hall.http.put(f"{API}/{file_id}/chunks/0", content=chunk, headers={
        **_device(hall, "workstation"), CHUNK_DIGEST_HEADER: hashlib.sha256(chunk).hexdigest()})
    assert r.status_code == 503 and r.headers["retry-after"]
    error = r.json()["error"]
    assert error["code"] == "storage_unavailable" and "文件存储暂不可用" in error["message"]
    assert error["details"] == {"reason": "unreachable"}
    assert _held(hall, file_id) == []

    s3_server.start()  # back on the same address, its buckets as they were
    counter.attachment_sync.run_once()
    assert rows(counter)[0]["state"] == "done" and _held(hall, file_id) == [0, 1, 2]
    assert len(bucket_objects(s3_server, s3_bucket)) == 3
    content = hall.http.get(f"{API}/{file_id}/content", headers=_device(hall, "workstation"))
    assert content.status_code == 200 and content.content == pdf.read_bytes()

    s3_server.stop()  # down again: a download is refused before its answer starts, not cut off after a 200
    try:
        for path in (f"{API}/{file_id}/content", f"{API}/{file_id}/chunks/1"):
            r = hall.http.get(path, headers=_device(hall, "workstation"))
            assert (r.status_code, r.json()["error"]["code"]) == (503, "storage_unavailable"), path
        approver = hall.workstation("approver", "approver")
        approver.sync.sync_once()
        approver.attachment_sync.run_once()  # its download waits for the store: nothing half-kept
        assert rows(approver) == [] and approver.attachments.files(case_id) == []
    finally:
        s3_server.start()
    approver.attachment_sync.run_once()
    assert approver.attachments.read(case_id, hashlib.sha256(pdf.read_bytes()).hexdigest()) == pdf.read_bytes()
    approver.attachments.close()


def test_a_bucket_that_does_not_exist_is_refused_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                                              s3_server) -> None:
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    served = _served(db, tmp_path, monkeypatch, s3_server.settings("govhall-never-created"))
    try:
        hall = next(served)
        counter = hall.workstation("clerk", "counter", window=1)
        pdf = scan(hall.tmp / "scanner", "a.pdf", 3000)
        accept_offline(hall, counter, (pdf,))
        counter.sync.sync_once()
        with pytest.raises(SyncFailed) as failed:
            counter.attachment_sync.run_once()
        assert failed.value.code == "storage_unavailable" and rows(counter)[0]["state"] == "waiting"
        file_id = rows(counter)[0]["id"]
        data = pdf.read_bytes()
        r = hall.http.put(f"{API}/{file_id}/chunks/0", content=data, headers={
            **_device(hall, "workstation"), CHUNK_DIGEST_HEADER: hashlib.sha256(data).hexdigest()})
        assert r.status_code == 503 and r.json()["error"]["code"] == "storage_unavailable"
        assert r.json()["error"]["details"] == {"reason": "no_bucket"} and _held(hall, file_id) == []
    finally:
        served.close()
        db.dispose()


def test_a_restarted_server_serves_the_files_from_the_same_bucket(s3_hall: Hall, s3_server,  # noqa: ANN001
                                                                  s3_bucket: str, tmp_path: Path) -> None:
    hall = s3_hall
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "图纸.pdf", 2 * rules.CHUNK_BYTES + 7)
    accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    counter.attachment_sync.run_once()
    file_id = rows(counter)[0]["id"]
    headers = _device(hall, "workstation")

    # A new process (no client cached) on another machine: the same database and bucket, an empty data folder.
    s3_backend._clients.clear()
    fresh = tmp_path / "new-server-data"
    app = create_app(Settings(migrate_on_start=False, data_dir=fresh, **s3_server.settings(s3_bucket, PREFIX)),
                     database=hall.db, clock=lambda: NOW.astimezone(dt.timezone.utc))
    with TestClient(app) as http:
        whole = http.get(f"{API}/{file_id}/content", headers=headers)
        assert whole.status_code == 200 and whole.content == pdf.read_bytes()
        listed = http.get(f"{API}/{file_id}/chunks", headers=headers).json()
        assert listed["digests"] == [hashlib.sha256(c).hexdigest() for c in _chunks(pdf)]
        one = http.get(f"{API}/{file_id}/chunks/1", headers=headers)
        assert one.content == _chunks(pdf)[1] and one.headers[CHUNK_DIGEST_HEADER] == listed["digests"][1]
        other = http.get(f"{API}/{uuid.uuid4()}/content", headers=headers)
        assert other.status_code == 404
    assert not (fresh / "attachments").exists()  # nothing came from, or went to, the new server's disk
