"""The one way a route read by devices (not the sync protocol itself) learns which device asks: its token
checked by server.sync.devices.authenticate (with the staff token a workstation sends, when the route needs
the clerk), a refusal of the sync layer answered as the same API error, and a device of a kind the route does
not serve refused with the route's own code and the device's kind."""

from __future__ import annotations

from collections.abc import Collection

from fastapi import Request
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.sync import devices
from server.sync.devices import DeviceContext
from server.sync.errors import SyncError


def device_of(session: Session, request: Request, authorization: str | None, kinds: Collection[str],
              refused: tuple[str, str], *, staff_token: str | None = None, idle: bool = False) -> DeviceContext:
    """The asking device, if it is one of `kinds`; else 403 with `refused` (code, Chinese message). `idle`:
    a staff token unused for the hall's idle limit is refused too."""
    state = request.app.state
    try:
        ctx = devices.authenticate(session, authorization, staff_token, state.clock(),
                                   idle_minutes=state.settings.token_idle_minutes if idle else None)
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    if ctx.kind not in kinds:
        code, message = refused
        raise ApiError(403, code, message, kind=ctx.kind)
    return ctx
