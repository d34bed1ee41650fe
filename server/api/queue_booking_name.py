"""The name given with a booking, for the clerk serving its ticket (issue 17): a workstation of the ticket's
hall with a counter role signed in asks for it once the booking is checked in. The name stays sealed at rest
and never travels through sync, so no device cache holds it; another hall's tickets look the same as none."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request

from server.api.device_auth import device_of
from server.api.errors import ApiError
from server.api.queue_deps import pii_keys
from server.queue.appointments import name_of
from server.queue.errors import message
from server.queue.models import QueueAppointment, QueueTicket
from shared.protocol.base import Response

router = APIRouter(prefix="/api/v1/sync/queue", tags=["queue"])
COUNTER_ROLES = frozenset({"clerk", "supervisor", "admin"})


class BookingName(Response):
    ticket_id: str
    appointment_id: str
    name: str
    masked_id: str


@router.get("/tickets/{ticket_id}/booking-name", response_model=BookingName)
def booking_name(ticket_id: str, request: Request,
                 authorization: Annotated[str | None, Header()] = None,
                 x_staff_token: Annotated[str | None, Header()] = None) -> BookingName:
    state = request.app.state
    with state.database.read_session() as session:
        ctx = device_of(session, request, authorization, {"workstation"},
                        ("device_kind_not_allowed", "只有窗口工作站能查看预约人姓名（workstations only）"),
                        staff_token=x_staff_token, idle=True)
        if not COUNTER_ROLES & ctx.roles:
            raise ApiError(403, "role_required", "当前登录人员无权执行该操作（role required: clerk）",
                           required=sorted(COUNTER_ROLES))
        ticket = session.get(QueueTicket, ticket_id)
        row = session.get(QueueAppointment, ticket.appointment_id) \
            if ticket is not None and ticket.hall_id == ctx.hall_id and ticket.appointment_id else None
        if row is None or row.state not in ("checked_in", "late") or not row.name_sealed:
            raise ApiError(404, "booking_not_named", message("booking_not_named"), ticket=ticket_id)
        return BookingName(ticket_id=ticket_id, appointment_id=row.id, name=name_of(row, pii_keys(request)),
                           masked_id=row.masked_id)
