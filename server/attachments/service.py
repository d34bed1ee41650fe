"""Upload and download of case attachments. Only a workstation of the case's hall takes part (dispensers,
evaluators and displays never); a file must be one the case's 收件 command declared (same case, same SHA-256);
each chunk is checked against its SHA-256 before it is stored sealed, the whole file once the last chunk is in.
A refused chunk leaves the chunks already held as they are, so the upload resumes from there."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase, ApprovalMaterial
from server.attachments.models import AttachmentChunk, CaseAttachment
from server.storage import BlobStore, StorageUnavailable, blob_store
from server.sync import changes
from server.sync.devices import DeviceContext
from shared.attachments import rules
from shared.attachments.sealed_file import open_chunk, seal_chunk
from shared.crypto.keys import KeyProvider
from shared.errors import DomainError
from shared.protocol.attachments import TABLE, DownloadChunks, UploadStart, UploadStatus

ALLOWED_KINDS = frozenset({"workstation"})
AREA = "attachments"  # in the server's file storage: "<attachment id>/<chunk index>", each chunk sealed


def store_of(settings) -> BlobStore:  # noqa: ANN001 - server.core.settings.Settings
    return blob_store(settings, AREA)


class RunningDigests:
    """The whole-file SHA-256 of uploads arriving in order, kept in memory, so the last chunk need not read and
    open every stored chunk again; an upload out of order (a resume, another worker process) falls back to that."""

    def __init__(self, limit: int = 256) -> None:
        self._open: dict[str, tuple[int, object]] = {}
        self._lock = threading.Lock()
        self.limit = limit

    def feed(self, attachment_id: str, index: int, data: bytes) -> None:
        with self._lock:
            at, digest = self._open.pop(attachment_id, (0, None))
            if index == 0:
                at, digest = 0, hashlib.sha256()
            if digest is None or at != index:
                return  # out of order: forgotten
            digest.update(data)
            while self._open and len(self._open) >= self.limit:
                self._open.pop(next(iter(self._open)))
            self._open[attachment_id] = (index + 1, digest)

    def finish(self, attachment_id: str, chunks: int) -> str | None:
        with self._lock:
            at, digest = self._open.pop(attachment_id, (0, None))
        return digest.hexdigest() if digest is not None and at == chunks else None


class AttachmentError(DomainError):
    def __init__(self, status: int, code: str, message: str, **details) -> None:  # noqa: ANN003
        super().__init__(message, code=code, **details)
        self.status = status


class WholeFileRefused(AttachmentError):
    """Raised after the file's chunks were dropped: the caller commits that, then answers with the refusal."""


def check_device(ctx: DeviceContext) -> None:
    if ctx.kind not in ALLOWED_KINDS:
        raise AttachmentError(403, "device_kind_not_allowed", "此类设备不能收发案件材料（workstations only）",
                              device_kind=ctx.kind)


def _place(attachment_id: str) -> str:
    return f"attachment:{attachment_id}"


def _object(attachment_id: str, index: int) -> str:
    return f"{attachment_id}/{index}"


def _case_of_hall(session: Session, ctx: DeviceContext, case_id: str) -> ApprovalCase:
    case = session.get(ApprovalCase, case_id)
    # another hall's case looks the same as none: nothing to learn by probing ids
    if case is None or case.hall_id != ctx.hall_id:
        raise AttachmentError(404, "case_not_found", "案件不存在（no such case in this hall）")
    return case


def attachment_of_hall(session: Session, ctx: DeviceContext, attachment_id: str) -> CaseAttachment:
    row = session.get(CaseAttachment, attachment_id)
    if row is None or row.hall_id != ctx.hall_id:
        raise AttachmentError(404, rules.NOT_FOUND, "材料文件不存在（no such attachment in this hall）")
    return row


def _status(session: Session, row: CaseAttachment) -> UploadStatus:
    have = list(session.scalars(select(AttachmentChunk.index).where(AttachmentChunk.attachment_id == row.id)
                                .order_by(AttachmentChunk.index)))
    return UploadStatus(id=row.id, state=row.state, chunks=row.chunks, have=have)


def begin(session: Session, ctx: DeviceContext, attachment_id: str, body: UploadStart, keys: KeyProvider,
          now: dt.datetime) -> UploadStatus:
    """Open (or find again) the upload of one file; the answer lists the chunks already held."""
    check_device(ctx)
    row = session.get(CaseAttachment, attachment_id)
    if row is not None:
        if row.hall_id != ctx.hall_id:
            raise AttachmentError(404, rules.NOT_FOUND, "材料文件不存在（no such attachment in this hall）")
        if (row.case_id, row.sha256, row.size) != (body.case_id, body.sha256, body.size):
            raise AttachmentError(409, rules.CONFLICT, "同一文件编号已用于另一文件（the id names another file）")
        return _status(session, row)
    try:
        rules.check(body.size, next(iter(rules.MIMES[body.mime])) if body.mime in rules.MIMES else b"")
    except rules.AttachmentRefused as exc:
        status = {rules.TOO_LARGE: 413, rules.TYPE_NOT_ALLOWED: 415}.get(exc.code, 422)
        raise AttachmentError(status, exc.code, exc.message, **exc.details) from None
    case = _case_of_hall(session, ctx, body.case_id)
    declared = session.scalars(select(ApprovalMaterial.id).where(ApprovalMaterial.case_id == case.id,
                                                                 ApprovalMaterial.sha256 == body.sha256)).first()
    if declared is None:
        raise AttachmentError(409, rules.NOT_DECLARED, "收件时未登记此文件（the case's 收件 did not list this file）")
    row = CaseAttachment(id=attachment_id, case_id=case.id, hall_id=case.hall_id, ordinal=body.ordinal,
                         material=body.material, file_name=body.file_name, mime=body.mime, size=body.size,
                         sha256=body.sha256, chunk_bytes=body.chunk_bytes,
                         chunks=rules.chunk_count(body.size, body.chunk_bytes), state="uploading",
                         key_id=keys.current_key_id, device_id=ctx.device_id, created_at=now)
    session.add(row)
    session.flush()
    return _status(session, row)


def put_chunk(session: Session, store: BlobStore, keys: KeyProvider, ctx: DeviceContext,
              attachment_id: str, index: int, data: bytes, claimed: str | None,
              now: dt.datetime, running: RunningDigests | None = None) -> tuple[UploadStatus, int]:
    """Store one chunk (sealed). Returns the status and the hall's new cursor when the file became complete."""
    check_device(ctx)
    row = attachment_of_hall(session, ctx, attachment_id)
    if not 0 <= index < row.chunks:
        raise AttachmentError(422, rules.CHUNK_RANGE, "分块序号超出范围（chunk index out of range）",
                              chunks=row.chunks)
    if row.state == "complete" or session.get(AttachmentChunk, (row.id, index)) is not None:
        return _status(session, row), 0  # sent again after a lost answer: nothing to do
    expected = rules.chunk_length(row.size, index, row.chunk_bytes)
    actual = hashlib.sha256(data).hexdigest()
    if len(data) != expected or claimed is None or actual != claimed.lower():
        raise AttachmentError(422, rules.CHUNK_DIGEST, "分块校验失败，请重新发送该分块（chunk SHA-256 or length mismatch）",
                              index=index, expected_bytes=expected)
    if index == 0 and rules.sniff(data[:rules.SNIFF_BYTES]) != row.mime:
        raise AttachmentError(415, rules.TYPE_NOT_ALLOWED, "文件内容不是所声明的类型（PDF、JPEG、PNG）",
                              declared=row.mime)
    # the object first, then its row: a store that fails (StorageUnavailable, 503) leaves no row saying it is held
    store.put(_object(row.id, index), seal_chunk(data, keys, _place(row.id), index))
    session.add(AttachmentChunk(attachment_id=row.id, index=index, size=len(data), sha256=actual))
    session.flush()
    if running is not None:
        running.feed(row.id, index, data)
    status = _status(session, row)
    if len(status.have) < row.chunks:
        return status, 0
    whole = running.finish(row.id, row.chunks) if running is not None else None
    if whole is None:
        digest = hashlib.sha256()
        for chunk in file_chunks(store, keys, row):
            digest.update(chunk)
        whole = digest.hexdigest()
    if whole != row.sha256:  # every chunk matched its own sum but the file is not the declared one
        session.query(AttachmentChunk).filter(AttachmentChunk.attachment_id == row.id).delete()
        try:  # the rows say what is held: objects left behind are written over when the file comes again
            for i in range(row.chunks):
                store.delete(_object(row.id, i))
        except StorageUnavailable:
            pass
        raise WholeFileRefused(422, rules.FILE_DIGEST, "文件整体校验失败，需重新上传（file SHA-256 mismatch）")
    row.state, row.completed_at = "complete", now
    cursor = changes.publish(session, row.hall_id, f"hall:{row.hall_id}", TABLE, row.id, published_row(row), now=now)
    return _status(session, row), cursor


def published_row(row: CaseAttachment) -> dict:
    return {"id": row.id, "case_id": row.case_id, "ordinal": row.ordinal, "material": row.material,
            "file_name": row.file_name, "mime": row.mime, "size": row.size, "sha256": row.sha256}


def file_chunks(store: BlobStore, keys: KeyProvider, row: CaseAttachment) -> Iterator[bytes]:
    for i in range(row.chunks):
        yield open_chunk(store.get(_object(row.id, i)), keys, row.key_id, _place(row.id), i)


def _complete_of_hall(session: Session, ctx: DeviceContext, attachment_id: str) -> CaseAttachment:
    check_device(ctx)
    row = attachment_of_hall(session, ctx, attachment_id)
    if row.state != "complete":
        raise AttachmentError(409, rules.INCOMPLETE, "文件尚未上传完整（upload not complete）")
    return row


def chunk_list(session: Session, ctx: DeviceContext, attachment_id: str) -> DownloadChunks:
    """A complete file's chunks and their SHA-256, for a download that resumes chunk by chunk."""
    row = _complete_of_hall(session, ctx, attachment_id)
    digests = list(session.scalars(select(AttachmentChunk.sha256).where(AttachmentChunk.attachment_id == row.id)
                                   .order_by(AttachmentChunk.index)))
    return DownloadChunks(id=row.id, size=row.size, sha256=row.sha256, chunk_bytes=row.chunk_bytes,
                          digests=digests)


def chunk_content(session: Session, store: BlobStore, keys: KeyProvider, ctx: DeviceContext,
                  attachment_id: str, index: int) -> tuple[bytes, str]:
    """One chunk of a complete file, opened, and the SHA-256 recorded when it was uploaded."""
    row = _complete_of_hall(session, ctx, attachment_id)
    chunk = session.get(AttachmentChunk, (row.id, index))
    if chunk is None:
        raise AttachmentError(422, rules.CHUNK_RANGE, "分块序号超出范围（chunk index out of range）",
                              chunks=row.chunks)
    return open_chunk(store.get(_object(row.id, index)), keys, row.key_id, _place(row.id), index), chunk.sha256


def content(session: Session, store: BlobStore, keys: KeyProvider, ctx: DeviceContext,
            attachment_id: str) -> tuple[CaseAttachment, Iterator[bytes]]:
    check_device(ctx)
    row = attachment_of_hall(session, ctx, attachment_id)
    if row.state != "complete":
        raise AttachmentError(409, rules.INCOMPLETE, "文件尚未上传完整（upload not complete）")
    session.expunge(row)
    chunks = file_chunks(store, keys, row)
    first = next(chunks, b"")  # read now: a store that is down is answered before the response starts
    return row, itertools.chain((first,), chunks)
