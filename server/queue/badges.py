"""The badge of the clerk serving at a window — staff id, name and 工号, what the clerk wears, nothing more —
published as the `window_badge` row (pk: the window id) when a clerk calls at a window and the badge there
names someone else or another day. The evaluator at the window and the hall controller show it on their
screens; neither gets the hall's staff list (server.sync.visibility), and an evaluator reads its own window's
badge only. The staff photo route serves an evaluator the photo of the clerk on its window's badge only.

The row stays when the window frees (the evaluator asks for a rating then, the controller's idle LED screen
names the clerk who last served there today): its `day` tells a screen whether it is today's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.sync.models import ChangeLog
from server.sync.registry import CommandContext
from shared.db.models import StaffUser

TABLE = "window_badge"
CHANGES = ChangeLog.__table__


def badge_row(user, *, hall_id: int, window_id: int, day: dt.date) -> dict:  # noqa: ANN001 - a StaffUser or its row
    return {"window_id": window_id, "hall_id": hall_id, "user_id": user.id, "display_name": user.display_name,
            "staff_no": user.staff_no, "day": day.isoformat()}


# Built once, and Core rather than ORM (no staff object with its roles is loaded): every call and every 开始办理
# asks them.
_CLERK = select(StaffUser.id, StaffUser.display_name, StaffUser.staff_no).where(
    StaffUser.username == bindparam("username")).limit(1)
_LATEST = (select(CHANGES.c.op, CHANGES.c.row)
           .where(CHANGES.c.scope == bindparam("scope"), CHANGES.c.tbl == TABLE, CHANGES.c.pk == bindparam("pk"))
           .order_by(CHANGES.c.seq.desc()).limit(1))
_CLERKS = "govhall_badge_clerks"  # session.info key: the clerks' badge fields this unit of work has read


def current(session: Session, hall_id: int, window_id: int) -> dict | None:
    """The window's badge as last published (None: nobody has served there yet, or it was withdrawn)."""
    latest = session.connection().execute(_LATEST, {"scope": f"hall:{hall_id}", "pk": str(window_id)}).first()
    return latest.row if latest is not None and latest.op == "upsert" else None


def seat(session: Session, ctx: CommandContext, window_id: int, username: str | None, day: dt.date) -> None:
    """The clerk `username` called at the window on `day`: publish their badge unless it is already up."""
    if not username:
        return
    clerks = session.info.setdefault(_CLERKS, {})  # a push's 开始办理 and next call both seat the clerk
    if username not in clerks:
        clerks[username] = session.connection().execute(_CLERK, {"username": username}).first()
    user = clerks[username]
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
