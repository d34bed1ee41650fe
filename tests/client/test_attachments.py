"""Issue 15, case attachments: a scan taken at an offline counter goes up after reconnection, in chunks, and
opens (the same bytes) on the approver's workstation; an interrupted upload resumes from the chunks the server
holds; a tampered chunk is refused (the rest kept); oversize and wrong-type files are refused with their codes;
another hall and the kiosk kinds get nothing; the server's disk holds no clear bytes; small commands keep
flowing while a big file uploads. The real server app in process, the clock injected on both sides."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.attachments import AttachmentFolder, AttachmentTransfer, cache_key
from client.services.auth import StaffSession
from client.services.context import Services, build_services
from client.services.workstation import Workstation
from server.attachments.service import store_of
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.attachments import rules
from shared.protocol.attachments import CHUNK_DIGEST_HEADER
from shared.queue.clock import CHINA_TZ
from shared.sync.tables import attachments as attachment_table
from shared.sync.transport import Reply, TransportError
from tests.access.support import add_other_hall
from tests.approval_server.support import TEST_KEYS
from tests.client.support import make_cache
from tests.sync.harness.world import template_db
from tests.sync.support import demo_hall, new_device

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)  # a Monday
PASSWORD = "GovHall@2026"
ID = "11010519491231002X"
API = "/api/v1/sync/attachments"


class Net:
    """The app in process behind a network the test controls: down, cut after n chunks, a chunk damaged on the
    way, a chunk held until released. Counts the chunk bytes put on the wire."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.down = False
        self.chunk_bytes = 0
        self.cut_after: int | None = None   # chunk PUTs delivered before the line goes dead
        self.damage_next = 0                 # chunks to flip a byte in on the way
        self.hold: threading.Event | None = None
        self.holding = threading.Event()
        self.cut_down_after: int | None = None  # chunk GETs answered before the line goes dead
        self.damage_down_next = 0                # downloaded chunks to flip a byte in on the way
        self.down_chunks: list[int] = []         # the chunk indexes downloaded, in order

    def request(self, method, path, *, params=None, json=None, headers=None, timeout=10.0,  # noqa: ANN001, ANN201
                content=None):
        if self.down:
            raise TransportError("network unreachable (test)")
        if content is not None:
            if self.hold is not None:
                self.holding.set()
                self.hold.wait(10)
            if self.cut_after is not None:
                if self.cut_after <= 0:
                    self.down = True
                    raise TransportError("connection reset (test)")
                self.cut_after -= 1
            self.chunk_bytes += len(content)
            if self.damage_next:
                self.damage_next -= 1
                content = bytes([content[0] ^ 0xFF]) + content[1:]
        chunk_get = method == "GET" and "/chunks/" in path
        if chunk_get and self.cut_down_after is not None:
            if self.cut_down_after <= 0:
                self.down = True
                raise TransportError("connection reset (test)")
            self.cut_down_after -= 1
        r = self.http.request(method, path, params=params, json=json, headers=headers, content=content)
        kind = r.headers.get("content-type", "")
        if r.is_success and r.content and not kind.startswith("application/json"):
            body = r.content
            if chunk_get:
                self.down_chunks.append(int(path.rsplit("/", 1)[1]))
                if self.damage_down_next:
                    self.damage_down_next -= 1
                    body = bytes([body[0] ^ 0xFF]) + body[1:]
            return Reply(r.status_code, body)
        return Reply(r.status_code, r.json())


class Hall:
    def __init__(self, tmp: Path, http: TestClient, db: Database) -> None:
        self.tmp, self.http, self.db = tmp, http, db
        self.settings: Settings = http.app.state.settings
        self.net = Net(http)
        self.hall_id, self.windows = demo_hall(db)

    def workstation(self, user: str, name: str, window: int | None = None) -> Services:
        window_id = self.windows[window - 1] if window else None
        device_id, token = new_device(self.db, "workstation", self.hall_id, window_id)
        body = self.http.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD,
                                                          "device_id": device_id}).json()
        u = body["user"]
        session = StaffSession(u["username"], u["display_name"], u["staff_no"], tuple(u["roles"]), u.get("hall_id"),
                               u.get("department_id"), body["token"], offline=False)
        data = self.tmp / name
        data.mkdir(exist_ok=True)
        engine = make_cache(data / "cache.sqlite3", definitions=False)
        ws = Workstation(data, window_number=window, device_id=device_id, device_token=token)
        return build_services(ws, session, engine, transport=self.net, clock=lambda: NOW)

    def stored(self) -> list[bytes]:
        """The attachment objects as the server's file storage holds them (files on disk, objects in the bucket)."""
        blobs = store_of(self.settings)
        return [blobs.get(name) for name in blobs.names()]


def _served(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, storage: dict):  # noqa: ANN202
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path / "server-data", **storage), database=db,
                     clock=lambda: NOW.astimezone(dt.timezone.utc))
    with TestClient(app) as http:
        yield Hall(tmp_path, http, db)


@pytest.fixture
def hall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, storage_settings: dict):  # noqa: ANN201
    """On each storage backend: the data folder, an S3 bucket (moto's server on loopback)."""
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    yield from _served(db, tmp_path, monkeypatch, storage_settings)
    db.dispose()


@pytest.fixture
def any_hall(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN201
             storage_settings: dict):
    """The same on each database backend (SQLite, and PostgreSQL with the pg mark) and storage backend."""
    yield from _served(database, tmp_path, monkeypatch, storage_settings)


def scan(folder: Path, name: str, size: int, head: bytes = b"%PDF-1.7\n") -> Path:
    """A 'scan' of `size` bytes: random after its type's first bytes (so no chunk repeats another)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(head + os.urandom(size - len(head)))
    return path


def application(s: Services, files: dict[str, tuple[str, ...]]) -> Application:
    choice = next(c for c in s.catalogue.choices if c.situations and any(r for _, r in c.situations[0].materials))
    situation = choice.situations[0]
    received = tuple(name for name, _ in situation.materials)
    named = {received[0]: files[k] for k in files} if files else {}
    return Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True), received,
                       attachments=named)


def accept_offline(hall: Hall, counter: Services, paths: tuple[Path, ...]) -> str:
    counter.sync.sync_once()  # online first: the day's case numbers are leased
    hall.net.down = True
    outcome = counter.acceptance.accept(application(counter, {"scan": tuple(map(str, paths))}))
    assert counter.sync.status().pending >= 1
    hall.net.down = False
    return outcome.case_id


def rows(s: Services) -> list[dict]:
    with s.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(attachment_table.select().order_by(attachment_table.c.ordinal))]


def test_an_offline_scan_goes_up_after_reconnection_and_opens_on_the_approvers_pc(any_hall: Hall) -> None:
    hall = any_hall
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "申请书.pdf", 3 * rules.CHUNK_BYTES + 1234)
    png = scan(hall.tmp / "scanner", "身份证.png", 40_000, b"\x89PNG\r\n\x1a\n")
    case_id = accept_offline(hall, counter, (pdf, png))
    # Offline, nothing went anywhere: the sealed copies wait with the command, not in clear on the counter's disk.
    assert hall.net.chunk_bytes == 0 and [r["state"] for r in rows(counter)] == ["waiting", "waiting"]
    sealed = (counter.workstation.data_dir / "attachments" / rows(counter)[0]["local"]).read_bytes()
    assert pdf.read_bytes()[:4096] not in sealed

    counter.sync.sync_once()  # reconnected: the 收件 is accepted
    counter.attachment_sync.run_once()
    assert [r["state"] for r in rows(counter)] == ["done", "done"]
    assert hall.net.chunk_bytes == pdf.stat().st_size + png.stat().st_size  # each byte sent once

    # The server's disk (or bucket): sealed chunks only, no clear run of either file.
    stored = hall.stored()
    assert len(stored) == 5
    clear = pdf.read_bytes()
    for data in stored:
        assert clear[1000:1064] not in data and clear[:9] not in data and b"PNG" not in data[:16]

    # The approver's workstation: its background thread fetches the files once a sync has pulled their rows.
    approver = hall.workstation("approver", "approver")
    approver.attachment_sync.interval = 30  # far too slow to explain it: the pull wakes it
    approver.attachment_sync.start()
    try:
        approver.sync.sync_once()
        for _ in range(300):
            if sum(r["state"] == "done" for r in rows(approver)) == 2:
                break
            threading.Event().wait(0.05)
    finally:
        approver.attachment_sync.stop()
    hall.net.down = True  # the approver opens them offline
    files = approver.attachments.files(case_id)
    assert [(f.file_name, f.mime, f.size) for f in files] == [("申请书.pdf", "application/pdf", pdf.stat().st_size),
                                                             ("身份证.png", "image/png", png.stat().st_size)]
    assert files[0].path.read_bytes() == pdf.read_bytes() and files[1].path.read_bytes() == png.read_bytes()
    assert all(f.sha256 == hashlib.sha256(p.read_bytes()).hexdigest() for f, p in zip(files, (pdf, png)))
    # kept sealed on the approver's PC: the clear copy lives only in the private folder opened for viewing
    kept = [p for p in (approver.workstation.data_dir / "attachments").rglob("*.gha")]
    assert len(kept) == 2 and all(clear[1000:1064] not in p.read_bytes() for p in kept)
    approver.attachments.close()
    assert not files[0].path.exists()


def test_an_interrupted_upload_resumes_from_the_chunks_the_server_holds(hall: Hall) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    size = 5 * rules.CHUNK_BYTES + 777
    pdf = scan(hall.tmp / "scanner", "图纸.pdf", size)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    hall.net.cut_after = 2  # two chunks arrive, then the line dies
    with pytest.raises(TransportError):
        counter.attachment_sync.run_once()
    assert rows(counter)[0]["state"] == "waiting"
    first_pass = hall.net.chunk_bytes
    assert first_pass == 2 * rules.CHUNK_BYTES

    # The client restarts (new objects over the same cache and folder), so does the server (its in-memory
    # running digest is gone: the whole file is checked from the stored chunks), and the network is back.
    hall.net.down, hall.net.cut_after = False, None
    hall.http.app.state.attachment_digests = None
    folder = AttachmentFolder(counter.acceptance.attachments_dir,
                              cache_key(counter.engine, counter.acceptance.attachments_dir))
    AttachmentTransfer(counter.sync, folder).upload_pending()
    resent = hall.net.chunk_bytes - first_pass
    assert resent == size - 2 * rules.CHUNK_BYTES  # only what the server did not hold
    # the device's own count: every byte once, plus the chunk that was on the wire when the line died
    assert rows(counter)[0]["state"] == "done" and rows(counter)[0]["sent_bytes"] == size + rules.CHUNK_BYTES
    approver = hall.workstation("approver", "approver")
    approver.sync.sync_once()
    approver.attachment_sync.run_once()
    assert approver.attachments.read(case_id, hashlib.sha256(pdf.read_bytes()).hexdigest()) == pdf.read_bytes()


def test_an_interrupted_download_resumes_from_the_chunks_held_each_checked(hall: Hall) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    size = 5 * rules.CHUNK_BYTES + 321
    pdf = scan(hall.tmp / "scanner", "平面图.pdf", size)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    counter.attachment_sync.run_once()
    approver = hall.workstation("approver", "approver")
    approver.sync.sync_once()
    hall.net.cut_down_after = 3  # three chunks arrive, then the line dies
    with pytest.raises(TransportError):
        approver.attachment_sync.run_once()
    assert hall.net.down_chunks == [0, 1, 2] and rows(approver) == []  # nothing done yet; three chunks held

    # The workstation restarts (new objects over the same cache and folder); one held chunk was damaged on its
    # disk meanwhile, and the next chunk to arrive is damaged on the way.
    hall.net.down, hall.net.cut_down_after = False, None
    folder = AttachmentFolder(approver.acceptance.attachments_dir,
                              cache_key(approver.engine, approver.acceptance.attachments_dir))
    (parts,) = (approver.acceptance.attachments_dir / case_id).glob("*.gha.down")  # the file, filled in place
    raw = bytearray(parts.read_bytes())
    start, record = 9 + raw[8], rules.CHUNK_BYTES + 28  # header (with the key id), then nonce|ciphertext|tag
    assert len(raw) == start + 3 * record  # chunks 0, 1 and 2
    raw[start + record + 100] ^= 0x01  # chunk 1 damaged on this disk
    parts.write_bytes(bytes(raw))
    hall.net.damage_down_next = 1
    hall.net.down_chunks.clear()
    transfer = AttachmentTransfer(approver.sync, folder, wanted=lambda: {case_id})
    assert transfer.download_pending() == 1
    # chunk 1 again (its held copy failed its check) and once more (damaged on the way), then 3, 4 and 5:
    # chunks 0 and 2 came from the first pass
    assert hall.net.down_chunks == [1, 1, 3, 4, 5]
    assert not parts.exists()  # renamed into the file's place once whole
    assert [r["state"] for r in rows(approver)] == ["done"]
    assert approver.attachments.read(case_id, hashlib.sha256(pdf.read_bytes()).hexdigest()) == pdf.read_bytes()
    approver.attachments.close()


def _device(hall: Hall, kind: str, hall_id: int | None = None) -> dict:
    _, token = new_device(hall.db, kind, hall_id or hall.hall_id)
    return {"Authorization": f"Bearer {token}"}


def _begun(hall: Hall, pdf: Path, case_id: str, headers: dict) -> tuple[str, dict]:
    file_id = str(uuid.uuid4())
    data = pdf.read_bytes()
    meta = {"case_id": case_id, "material": "申请书", "file_name": pdf.name, "mime": "application/pdf",
            "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "chunk_bytes": rules.CHUNK_BYTES}
    r = hall.http.put(f"{API}/{file_id}", json=meta, headers=headers)
    assert r.status_code == 200, r.text
    return file_id, meta


def test_a_tampered_chunk_is_refused_and_the_chunks_held_are_kept(hall: Hall) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "a.pdf", 2 * rules.CHUNK_BYTES + 10)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    headers = _device(hall, "workstation")
    file_id, _ = _begun(hall, pdf, case_id, headers)
    data = pdf.read_bytes()
    chunks = [data[i:i + rules.CHUNK_BYTES] for i in range(0, len(data), rules.CHUNK_BYTES)]

    def put(index: int, body: bytes, digest: str) -> dict:
        r = hall.http.put(f"{API}/{file_id}/chunks/{index}", content=body,
                          headers={**headers, CHUNK_DIGEST_HEADER: digest})
        return {"status": r.status_code, **r.json()}

    assert put(0, chunks[0], hashlib.sha256(chunks[0]).hexdigest())["have"] == [0]
    damaged = chunks[1][:100] + bytes([chunks[1][100] ^ 0xFF]) + chunks[1][101:]  # flipped: never the same byte
    refused = put(1, damaged, hashlib.sha256(chunks[1]).hexdigest())
    assert refused["status"] == 422 and refused["error"]["code"] == rules.CHUNK_DIGEST
    assert put(1, chunks[1][:-1], hashlib.sha256(chunks[1][:-1]).hexdigest())["error"]["code"] == rules.CHUNK_DIGEST
    status = hall.http.put(f"{API}/{file_id}", json=_begun(hall, pdf, case_id, headers)[1] | {}, headers=headers)
    assert status.status_code == 200
    again = hall.http.put(f"{API}/{file_id}", json={"case_id": case_id, "material": "申请书", "file_name": "a.pdf",
                                                    "mime": "application/pdf", "size": len(data),
                                                    "sha256": hashlib.sha256(data).hexdigest(),
                                                    "chunk_bytes": rules.CHUNK_BYTES}, headers=headers).json()
    assert again["have"] == [0] and again["state"] == "uploading"  # the good chunk is kept
    out = put(9, chunks[0], hashlib.sha256(chunks[0]).hexdigest())
    assert out["status"] == 422 and out["error"]["code"] == rules.CHUNK_RANGE

    # Every chunk matching its own sum but the whole not the declared file: refused, its chunks dropped.
    other = data[:16] + os.urandom(len(data) - 16)
    other_id, _ = _begun(hall, pdf, case_id, headers)
    parts = [other[i:i + rules.CHUNK_BYTES] for i in range(0, len(other), rules.CHUNK_BYTES)]
    answers = [hall.http.put(f"{API}/{other_id}/chunks/{i}", content=part,
                             headers={**headers, CHUNK_DIGEST_HEADER: hashlib.sha256(part).hexdigest()})
               for i, part in enumerate(parts)]
    assert answers[-1].status_code == 422 and answers[-1].json()["error"]["code"] == rules.FILE_DIGEST
    assert hall.http.put(f"{API}/{other_id}", json=_begun(hall, pdf, case_id, headers)[1],
                         headers=headers).json()["have"] == []

    # Through the client: a chunk damaged on the way is refused and sent again; the file completes intact.
    hall.net.damage_next = 1
    counter.attachment_sync.run_once()
    assert rows(counter)[0]["state"] == "done"
    assert hall.net.chunk_bytes == len(data) + rules.CHUNK_BYTES


def test_oversize_and_wrong_type_are_refused_with_their_codes(hall: Hall, tmp_path: Path) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    text = tmp_path / "note.txt"
    text.write_text("不是扫描件")
    with pytest.raises(rules.AttachmentRefused) as wrong:
        counter.acceptance.accept(application(counter, {"scan": (str(text),)}))
    assert wrong.value.code == rules.TYPE_NOT_ALLOWED
    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:  # sparse: 50 MB + 1 without writing them
        f.write(b"%PDF-1.7\n")
        f.truncate(rules.MAX_BYTES + 1)
    with pytest.raises(rules.AttachmentRefused) as large:
        counter.acceptance.accept(application(counter, {"scan": (str(big),)}))
    assert large.value.code == rules.TOO_LARGE
    assert rows(counter) == [] and counter.sync.status().pending == 0  # nothing was received

    pdf = scan(hall.tmp / "scanner", "a.pdf", 5000)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    headers = _device(hall, "workstation")
    base = {"case_id": case_id, "material": "申请书", "file_name": "a.pdf", "mime": "application/pdf",
            "size": 5000, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(), "chunk_bytes": rules.CHUNK_BYTES}
    r = hall.http.put(f"{API}/{uuid.uuid4()}", json=base | {"size": rules.MAX_BYTES + 1}, headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (413, rules.TOO_LARGE)
    r = hall.http.put(f"{API}/{uuid.uuid4()}", json=base | {"mime": "text/plain"}, headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (415, rules.TYPE_NOT_ALLOWED)
    r = hall.http.put(f"{API}/{uuid.uuid4()}", json=base | {"sha256": "0" * 64}, headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, rules.NOT_DECLARED)
    # declared a PDF, the bytes are something else
    file_id, _ = _begun(hall, pdf, case_id, headers)
    fake = b"GIF89a" + pdf.read_bytes()[6:]
    r = hall.http.put(f"{API}/{file_id}/chunks/0", content=fake,
                      headers={**headers, CHUNK_DIGEST_HEADER: hashlib.sha256(fake).hexdigest()})
    assert (r.status_code, r.json()["error"]["code"]) == (415, rules.TYPE_NOT_ALLOWED)


def test_another_hall_and_kiosk_kinds_get_nothing(hall: Hall) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "a.pdf", 3000)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    counter.attachment_sync.run_once()
    file_id = rows(counter)[0]["id"]
    own = hall.http.get(f"{API}/{file_id}/content", headers=_device(hall, "workstation"))
    assert own.status_code == 200 and own.content == pdf.read_bytes()

    other = add_other_hall(hall.db)
    elsewhere = _device(hall, "workstation", other.hall_id)
    r = hall.http.get(f"{API}/{file_id}/content", headers=elsewhere)
    assert (r.status_code, r.json()["error"]["code"]) == (404, rules.NOT_FOUND)
    r = hall.http.put(f"{API}/{uuid.uuid4()}", headers=elsewhere, json={
        "case_id": case_id, "material": "申请书", "file_name": "a.pdf", "mime": "application/pdf", "size": 3000,
        "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(), "chunk_bytes": rules.CHUNK_BYTES})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "case_not_found")
    for kind in ("dispenser", "display", "evaluator"):
        r = hall.http.get(f"{API}/{file_id}/content", headers=_device(hall, kind))
        assert (r.status_code, r.json()["error"]["code"]) == (403, "device_kind_not_allowed"), kind
    assert hall.http.get(f"{API}/{file_id}/content").status_code == 401
    # the kiosk kinds never see the files' rows either
    from tests.sync.support import new_device as register
    from shared.db.cache import open_cache
    from shared.sync.client import SyncClient
    device_id, token = register(hall.db, "display", hall.hall_id)
    display = SyncClient(open_cache(hall.tmp / "display.sqlite3"), device_id=device_id, token=token,
                         transport=hall.net)
    display.sync_once()
    assert display.confirmed("case_attachment") == {}


def test_small_commands_keep_flowing_while_a_big_scan_uploads(hall: Hall) -> None:
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "厚.pdf", 4 * rules.CHUNK_BYTES)
    accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    hall.net.hold = threading.Event()  # the first chunk hangs on the wire
    counter.attachment_sync.start()
    try:
        assert hall.net.holding.wait(10)
        fact = str(uuid.uuid4())
        counter.sync.submit("fact.record", 1, {"fact_id": fact, "kind": "rating", "body": {"stars": 5}})
        counter.sync.sync_once()  # the sync cycle does not wait for the upload
        assert counter.sync.status().pending == 0 and fact in counter.sync.confirmed("sync_fact")
        assert rows(counter)[0]["state"] == "waiting"
    finally:
        hall.net.hold.set()
    deadline = threading.Event()
    for _ in range(200):
        if rows(counter)[0]["state"] == "done":
            break
        deadline.wait(0.05)
    counter.attachment_sync.stop()
    assert rows(counter)[0]["state"] == "done"


def test_an_upload_left_unfinished_past_the_offline_limit_is_dropped(hall: Hall) -> None:
    from server.attachments import domain
    counter = hall.workstation("clerk", "counter", window=1)
    pdf = scan(hall.tmp / "scanner", "a.pdf", 2 * rules.CHUNK_BYTES + 5)
    accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()
    hall.net.cut_after = 1
    with pytest.raises(TransportError):
        counter.attachment_sync.run_once()
    assert len(hall.stored()) == 1
    scheduler = hall.http.app.state.scheduler
    assert domain.JOB in scheduler.jobs
    later = NOW.astimezone(dt.timezone.utc) + domain.KEEP_UNFINISHED
    assert scheduler.run_due(later - dt.timedelta(hours=1)).get(domain.JOB) == 0  # within the limit: kept
    scheduler.jobs[domain.JOB].last_run = None
    assert scheduler.run_due(later + dt.timedelta(hours=1)).get(domain.JOB) == 1
    assert hall.stored() == []
    # the counter, back after all that time, starts the file over and completes it
    hall.net.down, hall.net.cut_after = False, None
    counter.attachment_sync.run_once()
    assert rows(counter)[0]["state"] == "done" and len(hall.stored()) == 3
    assert hall.http.get(f"{API}/{rows(counter)[0]['id']}/content",
                         headers=_device(hall, "workstation")).content == pdf.read_bytes()
