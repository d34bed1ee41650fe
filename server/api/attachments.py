"""Case attachments over the sync API (device tokens): the counter's workstation uploads a file in chunks,
resuming from what the server holds; workstations of the case's hall download it whole. Kiosk kinds are
refused; another hall's files look the same as none. Rules: server/attachments/service.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Header, Path as PathParam, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from server.api.errors import ApiError
from server.api.queue_deps import pii_keys
from server.attachments import service
from server.storage import BlobStore
from server.sync import devices
from server.sync.devices import DeviceContext
from server.sync.errors import SyncError
from shared.protocol.approval import UUID
from shared.protocol.attachments import (CHUNK_DIGEST_HEADER, CONTENT_DIGEST_HEADER, PATH, DownloadChunks, UploadStart,
                                        UploadStatus)

router = APIRouter(prefix="/api/v1/sync" + PATH, tags=["attachments"])
AttachmentId = Annotated[str, PathParam(pattern=UUID)]
DeviceToken = Annotated[str | None, Header(alias="authorization")]
StaffToken = Annotated[str | None, Header(alias="x-staff-token")]


def store_of(request: Request) -> BlobStore:
    return service.store_of(request.app.state.settings)


def running_of(request: Request) -> service.RunningDigests:
    state = request.app.state
    if getattr(state, "attachment_digests", None) is None:
        state.attachment_digests = service.RunningDigests()
    return state.attachment_digests


@contextmanager
def _unit(request: Request, authorization: str | None, staff: str | None, *, read_only: bool = False
          ) -> Iterator[tuple]:
    db = request.app.state.database
    try:
        with db.read_session() if read_only else db.session() as session:
            ctx: DeviceContext = devices.authenticate(session, authorization, staff, request.app.state.clock())
            yield session, ctx
    except (SyncError, service.AttachmentError) as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    except (OperationalError, IntegrityError):  # a busy database, or the same chunk stored by a twin request
        raise ApiError(503, "busy_retry", "服务器繁忙，请稍后重试（database busy, retry with backoff）") from None


@router.put("/{attachment_id}", response_model=UploadStatus)
def begin_upload(attachment_id: AttachmentId, body: UploadStart, request: Request,
                 authorization: DeviceToken = None, x_staff_token: StaffToken = None) -> UploadStatus:
    with _unit(request, authorization, x_staff_token) as (session, ctx):
        service.check_device(ctx)
        return service.begin(session, ctx, attachment_id.lower(), body, pii_keys(request), request.app.state.clock())


@router.put("/{attachment_id}/chunks/{index}", response_model=UploadStatus,
            openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})
async def put_chunk(attachment_id: AttachmentId, index: int, request: Request, authorization: DeviceToken = None,
                    x_staff_token: StaffToken = None,
                    x_chunk_sha256: Annotated[str | None, Header(alias=CHUNK_DIGEST_HEADER)] = None) -> UploadStatus:
    data = await request.body()  # at most the app's body limit

    def work() -> tuple[UploadStatus, int, int]:
        refused = None
        with _unit(request, authorization, x_staff_token) as (session, ctx):
            try:
                status, cursor = service.put_chunk(session, store_of(request), pii_keys(request), ctx,
                                                   attachment_id.lower(), index, data, x_chunk_sha256,
                                                   request.app.state.clock(), running_of(request))
            except service.WholeFileRefused as exc:
                refused = exc  # the dropped chunks are committed: the upload starts over
            hall = ctx.hall_id
        if refused is not None:
            raise ApiError(refused.status, refused.code, refused.message, **refused.details)
        return status, cursor, hall

    status, cursor, hall = await run_in_threadpool(work)
    if cursor:  # committed: the hall's workstations pull the new file's row now
        request.app.state.sync_hub.notify(hall, cursor)
    return status


@router.get("/{attachment_id}/content", response_class=StreamingResponse,
            responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}})
def get_content(attachment_id: AttachmentId, request: Request, authorization: DeviceToken = None,
                x_staff_token: StaffToken = None) -> StreamingResponse:
    with _unit(request, authorization, x_staff_token, read_only=True) as (session, ctx):
        row, chunks = service.content(session, store_of(request), pii_keys(request), ctx, attachment_id.lower())
    return StreamingResponse(chunks, media_type=row.mime,
                             headers={CONTENT_DIGEST_HEADER: row.sha256, "Content-Length": str(row.size),
                                      "Cache-Control": "no-store"})


@router.get("/{attachment_id}/chunks", response_model=DownloadChunks)
def get_chunk_list(attachment_id: AttachmentId, request: Request, authorization: DeviceToken = None,
                   x_staff_token: StaffToken = None) -> DownloadChunks:
    """A complete file's chunks with their SHA-256: a download cut off resumes from the chunks it holds."""
    with _unit(request, authorization, x_staff_token, read_only=True) as (session, ctx):
        return service.chunk_list(session, ctx, attachment_id.lower())


@router.get("/{attachment_id}/chunks/{index}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
def get_chunk(attachment_id: AttachmentId, index: int, request: Request, authorization: DeviceToken = None,
              x_staff_token: StaffToken = None) -> Response:
    with _unit(request, authorization, x_staff_token, read_only=True) as (session, ctx):
        data, digest = service.chunk_content(session, store_of(request), pii_keys(request), ctx,
                                             attachment_id.lower(), index)
    return Response(data, media_type="application/octet-stream",
                    headers={CHUNK_DIGEST_HEADER: digest, "Cache-Control": "no-store"})
