"""A staff member's photo for the hall's devices (the evaluator shows who serves at its window): read with the
device's token, for staff of the device's own hall only. Uploaded by admins (staff_accounts.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response as HttpResponse

from server.api.errors import ApiError
from server.store.models import StaffPhoto
from server.sync import devices
from server.sync.errors import SyncError
from shared.db.models import StaffUser

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


@router.get("/staff/{user_id}/photo", response_class=HttpResponse,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}})
def device_photo(user_id: int, request: Request,
                 authorization: Annotated[str | None, Header()] = None) -> HttpResponse:
    with request.app.state.database.read_session() as session:
        try:
            ctx = devices.authenticate(session, authorization, None, request.app.state.clock())
        except SyncError as exc:
            raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
        user = session.get(StaffUser, user_id)
        row = session.get(StaffPhoto, user_id) if user is not None and user.hall_id == ctx.hall_id else None
        if row is None:  # another hall's staff look the same as none: nothing to learn by probing ids
            raise ApiError(404, "no_photo", "尚未上传照片（no photo on record）")
        return HttpResponse(row.data, media_type=row.content_type, headers={"Cache-Control": "no-store"})
