"""Case attachments on a workstation: the counter seals each scanned or photographed file under its data folder
when the case is received (sync_attachment rows written in the 收件 command's transaction), uploads it in
chunks once the server has accepted that command, resuming from the chunks the server already holds; the
approver's workstation downloads the files of the cases in its work list after each sync, chunk by chunk (a cut
download resumes from the chunks held, each checked by its SHA-256), and keeps them sealed (the workstation
cache's key), so they open offline. `CaseAttachments` is the MaterialSource the approver's
screens read.

Uploads and downloads run on a thread of their own (AttachmentSync), never in the sync loop's cycle: a 20 MB
scan going up does not hold back the small commands behind it in the outbox, and the GUI thread never waits."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update

from client.services.material_files import MaterialFile
from client.services.material_samples import MaterialSamples
from shared.attachments import rules
from shared.attachments.sealed_file import (OVERHEAD, SealedFile, header, open_chunk, read_file_chunks, seal_chunk,
                                            write)
from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import DecryptionFailed
from shared.protocol.attachments import CHUNK_DIGEST_HEADER, PATH, TABLE, DownloadChunks, UploadStatus
from shared.sync import store
from shared.sync.cache_seal import CacheKey, load_or_create_key, sealer_of
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.tables import attachments as table
from shared.sync.tables import outbox
from shared.sync.transport import TransportError

log = logging.getLogger("govhall.attachments")
SUFFIX = ".gha"
# Refusals that no retry can change: the file stays on this PC, its row says why (shown to the clerk).
FINAL = {rules.TOO_LARGE, rules.EMPTY, rules.TYPE_NOT_ALLOWED, rules.NOT_DECLARED, rules.CONFLICT, "case_not_found",
         "device_kind_not_allowed"}
CHUNK_RETRIES = 2  # a chunk refused for its checksum (damaged on the way) is sent again this often


@dataclass(frozen=True)
class Prepared:
    """A file sealed under the data folder at acceptance, before its case's command is written."""
    id: str
    material: str
    file_name: str
    mime: str
    size: int
    sha256: str
    local: str

    def wire(self) -> dict:  # what the 收件 command lists (shared.protocol.approval.SubmittedFile)
        return {"material": self.material, "file_name": self.file_name, "sha256": self.sha256, "size": self.size}


def cache_key(engine: Engine, folder: Path) -> KeyProvider:
    """The workstation cache's key (shared.sync.cache_seal); a cache opened without sealing (a bare test cache)
    gets a key file of its own in the attachments folder."""
    sealer = sealer_of(engine)
    if sealer is not None:
        return sealer.key
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return load_or_create_key(folder / "attachments.key")


class AttachmentFolder:
    """The sealed copies under <data dir>/attachments/<case id>/<file id>.gha."""

    def __init__(self, root: Path, keys: KeyProvider | CacheKey) -> None:
        self.root, self.keys = Path(root), keys

    @staticmethod
    def place(file_id: str) -> str:
        return f"workstation-attachment:{file_id}"

    def path(self, local: str) -> Path:
        return self.root / local

    def seal_source(self, case_id: str, material: str, source: Path) -> Prepared:
        """Check a scanned file (type, size) and seal it here. AttachmentRefused says why it cannot be taken."""
        source = Path(source)
        size = source.stat().st_size
        with open(source, "rb") as f:
            head = f.read(rules.SNIFF_BYTES)
        mime = rules.check(size, head)
        file_id = str(uuid.uuid4())
        local = f"{case_id}/{file_id}{SUFFIX}"
        digest = hashlib.sha256()

        def chunks():  # noqa: ANN202
            for data in read_file_chunks(source):
                digest.update(data)
                yield data

        write(self.path(local), chunks(), self.keys, self.place(file_id))
        return Prepared(file_id, material, source.name[:200], mime, size, digest.hexdigest(), local)

    def seal_bytes(self, case_id: str, file_id: str, data: bytes) -> str:
        local = f"{case_id}/{file_id}{SUFFIX}"
        pieces = (data[i:i + rules.CHUNK_BYTES] for i in range(0, len(data), rules.CHUNK_BYTES))
        write(self.path(local), pieces, self.keys, self.place(file_id))
        return local

    def open(self, file_id: str, local: str, size: int) -> SealedFile:
        return SealedFile(self.path(local), self.keys, self.place(file_id), size)

    def partial(self, case_id: str, file_id: str, plan: DownloadChunks) -> PartialDownload:
        local = f"{case_id}/{file_id}{SUFFIX}"
        return PartialDownload(self.path(local + ".down"), self.path(local), self.keys, self.place(file_id), plan)


def record_uploads(conn: Connection, case_id: str, prepared: Iterable[Prepared]) -> None:
    """In the 收件 command's transaction, right after it was queued: the files wait for its answer."""
    prepared = list(prepared)
    if not prepared:
        return
    # the command just queued in this transaction for this case (the 收件): the files wait for its answer
    recent = conn.execute(select(outbox.c.command_id, outbox.c.args).order_by(outbox.c.seq.desc()).limit(5)).all()
    command_id = next((c for c, args in recent if isinstance(args, dict) and args.get("case_id") == case_id), None)
    if command_id is None:
        raise RuntimeError(f"no queued command for case {case_id}: record_uploads runs in its 收件's transaction")
    conn.execute(table.insert(), [
        {"id": p.id, "case_id": case_id, "command_id": command_id, "direction": "up", "ordinal": i,
         "material": p.material, "file_name": p.file_name, "mime": p.mime, "size": p.size, "sha256": p.sha256,
         "state": "waiting", "code": None, "sent_bytes": 0, "local": p.local} for i, p in enumerate(prepared)])


class AttachmentTransfer:
    """One pass of uploads and downloads over a device's SyncClient (its token, staff token and transport)."""

    def __init__(self, sync: SyncClient, folder: AttachmentFolder, *,
                 wanted: Callable[[], set[str]] | None = None) -> None:
        self.sync, self.folder = sync, folder
        self.wanted = wanted  # case ids whose files this PC should hold (the work list); None: download none
        self.engine = sync.engine

    # -- upload --------------------------------------------------------------------------------------------
    def upload_pending(self) -> int:
        """Upload every waiting file whose 收件 the server accepted. Returns the files completed. Raises
        TransportError when the server cannot be reached (the next pass resumes)."""
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                select(table, outbox.c.status.label("command_status"), outbox.c.code.label("command_code"))
                .select_from(table.outerjoin(outbox, outbox.c.command_id == table.c.command_id))
                .where(table.c.direction == "up", table.c.state == "waiting")
                .order_by(table.c.case_id, table.c.ordinal))]
        done = 0
        for row in rows:
            if row["command_status"] == "pending":
                continue  # the server has not answered the 收件 yet: the case may not exist there
            if row["command_status"] == "rejected":
                self._settle(row["id"], "abandoned", row["command_code"] or "command_rejected")
                continue
            done += self._upload(row)
        return done

    def _upload(self, row: dict) -> int:
        sealed = self.folder.open(row["id"], row["local"], row["size"])
        meta = {"case_id": row["case_id"], "material": row["material"], "file_name": row["file_name"],
                "mime": row["mime"], "size": row["size"], "sha256": row["sha256"], "chunk_bytes": sealed.chunk,
                "ordinal": row["ordinal"]}
        reply = self.sync.call("PUT", f"{PATH}/{row['id']}", json=meta)
        if reply.status != 200:
            return self._refused(row, reply)
        status = UploadStatus.model_validate(reply.body)
        missing = [i for i in range(status.chunks) if i not in set(status.have)]
        if status.state == "complete":
            missing = []
        # The next chunk is opened (SM4) while the current one is on the wire.
        with ThreadPoolExecutor(1, thread_name_prefix="attachment-read") as reader:
            ahead = reader.submit(sealed.read_chunk, missing[0]) if missing else None
            for n, index in enumerate(missing):
                data = ahead.result()
                ahead = reader.submit(sealed.read_chunk, missing[n + 1]) if n + 1 < len(missing) else None
                for attempt in range(CHUNK_RETRIES + 1):
                    self._count(row["id"], len(data))
                    reply = self.sync.call("PUT", f"{PATH}/{row['id']}/chunks/{index}", content=data,
                                           headers={CHUNK_DIGEST_HEADER: hashlib.sha256(data).hexdigest(),
                                                    "Content-Type": "application/octet-stream"}, timeout=60)
                    if reply.error_code != rules.CHUNK_DIGEST or attempt == CHUNK_RETRIES:
                        break
                if reply.status != 200:
                    return self._refused(row, reply)
                status = UploadStatus.model_validate(reply.body)
        if status.state == "complete":
            self._settle(row["id"], "done", None)
            return 1
        return 0

    def _refused(self, row: dict, reply) -> int:  # noqa: ANN001
        code = reply.error_code or f"http_{reply.status}"
        if code in FINAL:
            log.warning("attachment %s refused by the server: %s", row["id"], code)
            self._settle(row["id"], "refused", code)
            return 0
        raise SyncFailed(f"attachment upload failed: {code}", code=code, retry=True, status=reply.status)

    def _count(self, file_id: str, sent: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == file_id).values(sent_bytes=table.c.sent_bytes + sent))

    def _settle(self, file_id: str, state: str, code: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == file_id).values(state=state, code=code))

    # -- download ------------------------------------------------------------------------------------------
    def download_pending(self) -> int:
        """Fetch the complete files (published rows) of the wanted cases not yet here, chunk by chunk: a download
        cut off (network, restart) resumes from the chunks already held, each checked by its SHA-256. Returns
        how many files were completed. Raises TransportError when the server cannot be reached."""
        if self.wanted is None:
            return 0
        wanted = self.wanted()
        if not wanted:
            return 0
        with self.engine.connect() as conn:
            published = store.confirmed_rows(conn, TABLE)
            here = set(conn.scalars(select(table.c.id).where(table.c.state == "done")))
        fetched = 0
        for file_id, row in sorted(published.items(), key=lambda kv: (kv[1]["case_id"], kv[1]["ordinal"])):
            if file_id in here or row["case_id"] not in wanted:
                continue
            local = self._download(file_id, row)
            if local is None:
                continue
            with self.engine.begin() as conn:
                conn.execute(table.delete().where(table.c.id == file_id))
                conn.execute(table.insert().values(
                    id=file_id, case_id=row["case_id"], command_id=None, direction="down", ordinal=row["ordinal"],
                    material=row["material"], file_name=row["file_name"], mime=row["mime"], size=row["size"],
                    sha256=row["sha256"], state="done", code=None, sent_bytes=0, local=local))
            fetched += 1
        return fetched

    def _download(self, file_id: str, row: dict) -> str | None:
        """The file sealed here (its local name), or None when the server has it not (yet) or it arrived
        damaged beyond CHUNK_RETRIES (tried again next pass, from the chunks held)."""
        reply = self.sync.call("GET", f"{PATH}/{file_id}/chunks", timeout=30)
        if reply.status != 200:
            log.warning("attachment %s not downloaded: %s", file_id, reply.error_code or reply.status)
            return None
        plan = DownloadChunks.model_validate(reply.body)
        if (plan.size, plan.sha256) != (row["size"], row["sha256"]) or \
                len(plan.digests) != rules.chunk_count(plan.size, plan.chunk_bytes):
            log.warning("attachment %s: the server's chunk list does not match the file's row", file_id)
            return None
        parts = self.folder.partial(row["case_id"], file_id, plan)
        whole = hashlib.sha256()
        for index, digest in enumerate(plan.digests):
            data = parts.held(index, digest)  # from a download cut off earlier
            if data is None:
                data = self._fetch_chunk(file_id, plan, index, digest)
                if data is None:
                    return None
                parts.put(index, data)
            whole.update(data)
        if whole.hexdigest() != plan.sha256:  # every chunk its own, but together not the file: start over
            log.warning("attachment %s: the chunks do not make the file; it is fetched again", file_id)
            parts.drop()
            return None
        parts.finish()
        return f"{row['case_id']}/{file_id}{SUFFIX}"

    def _fetch_chunk(self, file_id: str, plan: DownloadChunks, index: int, digest: str) -> bytes | None:
        expected = rules.chunk_length(plan.size, index, plan.chunk_bytes)
        for _ in range(CHUNK_RETRIES + 1):
            reply = self.sync.call("GET", f"{PATH}/{file_id}/chunks/{index}", timeout=60)
            data = reply.body if reply.status == 200 and isinstance(reply.body, bytes) else None
            if data is not None and len(data) == expected and hashlib.sha256(data).hexdigest() == digest:
                return data
            log.warning("attachment %s chunk %d arrived damaged or not at all (%s)", file_id, index,
                        reply.error_code or reply.status)
        return None


class PartialDownload:
    """A file being downloaded: its sealed layout (shared.attachments.sealed_file) filled in place as chunks
    arrive (<file id>.gha.down), each record where the finished file has it, under the finished file's
    associated data — so a download cut off (network, restart) resumes from the records that open and match
    their SHA-256, and the finished file is this one renamed: nothing sealed twice."""

    def __init__(self, path: Path, target: Path, keys: KeyProvider | CacheKey, place: str, plan: DownloadChunks
                 ) -> None:
        self.path, self.target, self.keys, self.place, self.plan = path, target, keys, place, plan
        head = header(keys, plan.chunk_bytes)
        self.start, self.record = len(head), plan.chunk_bytes + OVERHEAD
        try:
            with open(path, "rb") as f:
                fresh = f.read(len(head)) != head  # another chunk size or key: start over
        except FileNotFoundError:
            fresh = True
        if fresh:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(head)

    def _length(self, index: int) -> int:
        return rules.chunk_length(self.plan.size, index, self.plan.chunk_bytes) + OVERHEAD

    def held(self, index: int, digest: str) -> bytes | None:
        """Chunk `index` if it is here, opens, and is the one `digest` names."""
        with open(self.path, "rb") as f:
            f.seek(self.start + index * self.record)
            raw = f.read(self._length(index))
        if len(raw) != self._length(index):
            return None
        try:
            data = open_chunk(raw, self.keys, self.keys.current_key_id, self.place, index)
        except DecryptionFailed:
            return None  # never written, torn by a crash, or damaged on disk: fetched again
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def put(self, index: int, data: bytes) -> None:
        with open(self.path, "r+b") as f:
            f.seek(self.start + index * self.record)
            f.write(seal_chunk(data, self.keys, self.place, index))

    def finish(self) -> None:
        with open(self.path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(self.path, self.target)

    def drop(self) -> None:
        self.path.unlink(missing_ok=True)


class AttachmentSync:
    """The background thread: a pass after every sync cycle's pull and every queued command, and every
    `interval` seconds; a failed pass waits longer (up to a minute)."""

    def __init__(self, transfer: AttachmentTransfer, *, interval: float = 10.0,
                 samples: MaterialSamples | None = None) -> None:
        self.transfer, self.interval = transfer, interval
        self.samples = samples  # the catalogue's sample files (样表), fetched in the same passes
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="attachments", daemon=True)
        self.failures = 0
        self.passes = 0
        transfer.sync.on_pulled(lambda _n: self.wake())
        transfer.sync.on_queued(self.wake)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> None:
        self.transfer.upload_pending()
        self.transfer.download_pending()
        if self.samples is not None:
            self.samples.fetch_missing()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
                self.failures = 0
            except (TransportError, SyncFailed) as exc:
                self.failures += 1
                log.info("attachment transfer paused (%s)", exc)
            except Exception:  # noqa: BLE001  a bug must not end the thread: log, wait, try again
                self.failures += 1
                log.exception("attachment transfer crashed")
            self.passes += 1
            self._wake.wait(min(60.0, self.interval * 2 ** self.failures) if self.failures else self.interval)


class CaseAttachments:
    """MaterialSource: the files of a case on this PC, in the counter's order. A file's `path` is a clear copy
    opened on demand into a private temporary folder (tmpfs when there is one), removed by close(); the sealed
    copy is what stays on disk. Call files() off the GUI thread: opening a 20 MB scan takes a moment."""

    def __init__(self, engine: Engine, folder: AttachmentFolder) -> None:
        self.engine, self.folder = engine, folder
        self._open_dir: Path | None = None
        self._lock = threading.Lock()

    def files(self, case_id: str) -> list[MaterialFile]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).where(table.c.case_id == case_id,
                                                    table.c.state.in_(("waiting", "done")))
                                .order_by(table.c.ordinal)).all()
        return [MaterialFile(r.material, r.file_name, r.sha256, r.size, r.mime, self._clear_copy(r))
                for r in rows]

    def _clear_copy(self, r) -> Path | None:  # noqa: ANN001
        if not r.local or not self.folder.path(r.local).exists():
            return None
        with self._lock:
            if self._open_dir is None:
                shm = Path("/dev/shm")
                self._open_dir = Path(tempfile.mkdtemp(prefix="govhall-open-",
                                                       dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None))
            target = self._open_dir / r.id / Path(r.file_name).name
            if target.exists():
                return target
            try:
                data = self.folder.open(r.id, r.local, r.size).read_all()
            except (DecryptionFailed, OSError):
                log.warning("attachment %s does not open with this PC's key", r.id)
                return None
            target.parent.mkdir(mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            return target

    def read(self, case_id: str, sha256: str) -> bytes | None:
        """The clear bytes of one of the case's files (tests, printing), or None when it is not here."""
        with self.engine.connect() as conn:
            r = conn.execute(select(table).where(table.c.case_id == case_id, table.c.sha256 == sha256,
                                                 table.c.local.is_not(None))).first()
        if r is None:
            return None
        return self.folder.open(r.id, r.local, r.size).read_all()

    def close(self) -> None:
        with self._lock:
            if self._open_dir is not None:
                shutil.rmtree(self._open_dir, ignore_errors=True)
                self._open_dir = None
