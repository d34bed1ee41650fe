"""POST /api/v1/sync/card-match: a dispenser's swiped ID card matched to today's appointments of its
hall, on the server (shared/protocol/card_match.py). Dispensers only, each limited per hour; the answer is
masked and carries no index keys; the ID number is read from the body and never logged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from sqlalchemy import select

from server.api.deps import Clock
from server.api.device_auth import device_of
from server.api.queue_deps import pii_keys, refusals
from server.queue.appointments import appointment_row
from server.queue.booking_limits import limiter_for
from server.queue.models import QueueAppointment
from server.sync.devices import DeviceContext
from shared.approval.personal import RESIDENT_ID, search_key
from shared.crypto.ticket_key import ticket_key_for
from shared.protocol import card_match
from shared.protocol.queue_admin import PublicAppointment
from shared.queue.clock import CHINA_TZ
from shared.validation import check_resident_id

router = APIRouter(prefix="/api/v1/sync", tags=["queue appointments"])
LIMITER = "card_match_limiter"


def _dispenser(request: Request, authorization: str | None) -> DeviceContext:
    with request.app.state.database.read_session() as session:
        return device_of(session, request, authorization, {"dispenser"},
                         ("device_kind_not_allowed", "只有取号机可以按身份证查询预约（dispensers only）"))


@router.post(card_match.PATH, response_model=list[PublicAppointment])
def match_card(body: card_match.CardMatchIn, request: Request, clock: Clock,
               authorization: Annotated[str | None, Header()] = None) -> list[PublicAppointment]:
    now = clock()
    ctx = _dispenser(request, authorization)
    with refusals():
        # counted in a transaction of its own, refused requests included
        limiter = limiter_for(request.app.state, LIMITER)
        limiter.check(f"device:{ctx.device_id}", now, card_match.PER_DEVICE_PER_HOUR, "card_match_rate_limited")
        today = now.astimezone(CHINA_TZ).date()
        person = check_resident_id(body.id_number, today=today).number
        key = search_key(RESIDENT_ID, person, ticket_key_for(pii_keys(request), ctx.hall_id))
        with request.app.state.database.read_session() as session:
            rows = session.scalars(select(QueueAppointment).where(
                QueueAppointment.hall_id == ctx.hall_id, QueueAppointment.day == today,
                QueueAppointment.person_key == key).order_by(QueueAppointment.slot_start)).all()
            return [PublicAppointment.model_validate(appointment_row(r)) for r in rows]
