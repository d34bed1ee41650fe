"""The badge of the clerk serving at a window — staff id, name and 工号, what the clerk wears, nothing more —
published as the `window_badge` row (pk: the window id) when a clerk calls at a window and the badge there
names someone else or another day. The evaluator at the window and the hall controller show it on their
screens; neither gets the hall's staff list (server.sync.visibility), and an evaluator reads its own window's
badge only. The staff photo route serves an evaluator the photo of the clerk on its window's badge only.

The row stays when the window frees (the evaluator asks for a rating then, the controller's idle LED screen
names the clerk who last served there today): its `day` tells a screen whether it is today's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.sync.models import ChangeLog
from server.sync.registry import CommandContext
from shared.db.models import StaffUser

TABLE = "window_badge"


def badge_row(user: StaffUser, *, hall_id: int, window_id: int, day: dt.date) -> dict:
    return {"window_id": window_id, "hall_id": hall_id, "user_id": user.id, "display_name": user.display_name,
            "staff_no": user.staff_no, "day": day.isoformat()}


def current(session: Session, hall_id: int, window_id: int) -> dict | None:
    """The window's badge as last published (None: nobody has served there yet, or it was withdrawn)."""
    latest = session.execute(select(ChangeLog.op, ChangeLog.row)
                             .where(ChangeLog.scope == f"hall:{hall_id}", ChangeLog.tbl == TABLE,
                                    ChangeLog.pk == str(window_id))
                             .order_by(ChangeLog.seq.desc()).limit(1)).first()
    return latest.row if latest is not None and latest.op == "upsert" else None


def seat(session: Session, ctx: CommandContext, window_id: int, username: str | None, day: dt.date) -> None:
    """The clerk `username` called at the window on `day`: publish their badge unless it is already up."""
    if not username:
        return
    user = session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None:
        return
    row = badge_row(user, hall_id=ctx.device.hall_id, window_id=window_id, day=day)
    if _latest(session, ctx, window_id) != row:
        ctx.publish(TABLE, str(window_id), row)


def _latest(session: Session, ctx: CommandContext, window_id: int) -> dict | None:
    """The badge as this push leaves it so far (its changes are written when the push ends), else stored."""
    for change in reversed([*ctx.writer.rows, *ctx.changes]):
        if change["tbl"] == TABLE and change["pk"] == str(window_id):
            return change["row"]
    return current(session, ctx.device.hall_id, window_id)
