"""A staff member's photo for the evaluator (it shows who serves at its window): read with an evaluator's token,
for the clerk on its own window's badge only (server.queue.badges) — no other device kind shows a photo, so
none may read one, and an evaluator no other clerk's (server.sync.visibility gives it no staff list either).
Each answer carries the photo's ETag; the evaluator asks again with If-None-Match and keeps what it has on
304. Uploaded by admins (staff_accounts.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response as HttpResponse

from server.api.device_auth import device_of
from server.api.errors import ApiError
from server.queue import badges
from server.store.models import StaffPhoto
from shared.db.models import StaffUser
from shared.staff_photo import photo_etag

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
PHOTO_KINDS = frozenset({"evaluator"})  # the device kinds whose screens show a staff photo


@router.get("/staff/{user_id}/photo", response_class=HttpResponse,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}})
def device_photo(user_id: int, request: Request,
                 authorization: Annotated[str | None, Header()] = None,
                 if_none_match: Annotated[str | None, Header()] = None) -> HttpResponse:
    with request.app.state.database.read_session() as session:
        ctx = device_of(session, request, authorization, PHOTO_KINDS,
                        ("photo_not_for_device", "该设备不显示工作人员照片（only evaluators read staff photos）"))
        user = session.get(StaffUser, user_id)
        badge = badges.current(session, ctx.hall_id, ctx.window_id) if ctx.window_id is not None else None
        serving = user is not None and badge is not None and badge.get("user_id") == user.id
        row = session.get(StaffPhoto, user_id) if serving else None
        if row is None:  # staff not at this window look the same as none: nothing to learn by probing ids
            raise ApiError(404, "no_photo", "尚未上传照片（no photo on record）")
        etag = photo_etag(row.data)
        headers = {"Cache-Control": "no-cache", "ETag": etag}
        if if_none_match == etag:  # the evaluator already holds this photo
            return HttpResponse(status_code=304, headers=headers)
        return HttpResponse(row.data, media_type=row.content_type, headers=headers)
