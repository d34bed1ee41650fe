"""The JSON API of the citizens' phone pages (/m/, issue 17): a hall's businesses and 预约须知, an arithmetic
captcha, booking (through the same booking rules and rate limits as /api/v1/queue/appointments), finding and
cancelling one's bookings, and one ticket's place in the queue. Every write carries the CSRF token
(server/api/citizen_guard.py); no answer is cached (the security headers' no-store); no route takes a staff
token or grants anything beyond the single booking or ticket it was given the secret of."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.citizen_guard import check_captcha, check_csrf, new_captcha
from server.api.deps import Clock, DbSession
from server.api.errors import ApiError
from server.api.queue_appointments import LOOKUPS, Keys, _limit_client, _out
from server.api.queue_deps import HallPublisher, refusals
from server.approval.progress import case_for, progress_of
from server.queue import appointments
from server.queue.booking_limits import client_key, limiter_for
from server.sync.registry import Rejected
from server.queue.config import load_hall_config, work_calendar
from shared.calendar import CalendarNotPublished
from server.queue.position import position_of
from server.queue.remote import issue_remote
from server.rating.case_ratings import PHONE as CITIZEN
from server.rating.case_ratings import rate_case
from server.queue.models import QueueTicket, QueueTicketPhone
from shared.approval.personal import PHONE, search_key
from shared.db.models import Business, Hall
from shared.validation import check_mobile
from shared.protocol.base import Request as Body
from shared.protocol.base import Response
from shared.protocol.queue import RatingLevel
from shared.protocol.queue_admin import Moment, PublicAppointment
from shared.approval.query_code import normalise_case_number
from shared.queue import appointment_qr
from shared.queue.clock import CHINA_TZ
from shared.queue.follow import follow_path

TICKET_LOOKUP_PER_CLIENT_HOUR = 30   # "my ticket" by number and phone, from one address an hour
TICKET_LOOKUP_PER_PHONE_HOUR = 10    # tries with one phone number an hour, from anywhere
TICKET_NUMBER = re.compile(r"^([A-Z]{1,2})0*(\d{1,4})$")
PROGRESS_PER_CLIENT_HOUR = 30   # progress queries from one address an hour
PROGRESS_PER_CASE_HOUR = 10     # tries at one case number an hour, from anywhere (bounds guessing its code)
NOT_FOUND = "案件编号或查询码不正确"
router = APIRouter(prefix="/api/v1/citizen", tags=["citizens' pages"], dependencies=[Depends(check_csrf)])
public = APIRouter(prefix="/api/v1/citizen", tags=["citizens' pages"])  # reads that need no CSRF token


class BusinessOut(Response):
    id: int
    prefix: str
    name: str


class HallInfo(Response):
    code: str
    name: str
    address: str
    businesses: list[BusinessOut]
    days: list[dt.date]          # the days one may book, hall-local (today first)
    earliest: dt.datetime        # slots starting before this are too soon to book (the lead time)
    notice: list[str]            # 预约须知, one rule a line, from the hall's rules


class Captcha(Response):
    question: str
    token: str


class CitizenBookingIn(Body):
    business_id: int
    slot_start: Moment
    id_number: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=30)
    phone: str = Field(default="", max_length=20)
    captcha_token: str = Field(min_length=1, max_length=300)
    captcha_answer: str = Field(min_length=1, max_length=6)


class CitizenBooked(Response):
    appointment: PublicAppointment
    business: str
    booking_code: str
    qr_payload: str       # what the dispenser's QR path accepts (shared.queue.appointment_qr)
    qr_svg: str           # the same as an SVG data URI


class CitizenAppointment(PublicAppointment):
    ticket_id: str | None = None   # once checked in at the dispenser: its ticket, followed at /m/q/<ticket_id>


class MineIn(Body):
    id_number: str = Field(min_length=1, max_length=30)
    booking_code: str = Field(min_length=1, max_length=20)


class TicketIn(Body):
    ticket_id: str = Field(min_length=1, max_length=64)


class TicketOut(Response):
    display: str
    business: str
    state: str
    people_ahead: int | None
    wait_minutes: int | None
    near: bool
    threshold: int
    window_number: int | None
    window_name: str


@public.get("/halls/{code}", response_model=HallInfo)
def hall_info(code: str, session: DbSession, clock: Clock) -> HallInfo:
    hall = session.scalars(select(Hall).where(Hall.code == code)).one_or_none()
    if hall is None:
        raise ApiError(404, "hall_not_found", f"大厅不存在（no hall with code {code}）", hall=code)
    rules = load_hall_config(session, hall.id).rules
    now = clock().astimezone(CHINA_TZ)
    today = now.date()
    a, window = rules.appointment, rules.check_in
    notice = [f"可预约今天起 {a.horizon_days} 天内的时段，每个时段 {a.slot_minutes} 分钟。",
              f"请至少提前 {a.min_lead_minutes} 分钟预约；同一身份证每天最多预约 {a.per_person_daily_limit} 次。",
              f"请在预约时段开始前 {window.early_minutes} 分钟至开始后 {window.late_minutes} 分钟内，"
              "到取号机扫描预约二维码取号；迟到将按现场取号排队。",
              "请牢记预约码：凭身份证号码和预约码可查询、取消预约。",
              "请携带本人有效身份证件及办事所需材料。"]
    businesses = [BusinessOut(id=b.id, prefix=b.prefix, name=b.name)
                  for b in sorted(hall.businesses, key=lambda b: (b.sort_order, b.prefix)) if b.active]
    calendar = work_calendar(session)
    return HallInfo(code=hall.code, name=hall.name, address=hall.address or "", businesses=businesses,
                    days=[d for d in (today + dt.timedelta(days=n) for n in range(a.horizon_days + 1))
                          if _open(calendar, d)],
                    earliest=now + dt.timedelta(minutes=a.min_lead_minutes), notice=notice)


@contextmanager
def unit_of_work(request: Request) -> Iterator[Session]:
    """The writes' own transaction, opened and committed in the route's thread: written before DbSession
    committed in the route's worker too (issue 19, server/api/deps.py commit_in_worker); either works now."""
    with request.app.state.database.session() as session:
        yield session


def _open(calendar, day: dt.date) -> bool:  # noqa: ANN001
    """A working day the booking rules would accept (a year with no published calendar offers none)."""
    try:
        return calendar.is_workday(day)
    except CalendarNotPublished:
        return False


@public.get("/captcha", response_model=Captcha)
def captcha(request: Request, clock: Clock) -> Captcha:
    question, token = new_captcha(request, clock())
    return Captcha(question=question, token=token)


@router.post("/bookings", response_model=CitizenBooked, status_code=201)
def book(body: CitizenBookingIn, clock: Clock, keys: Keys, request: Request,
         tasks: BackgroundTasks) -> CitizenBooked:
    now = clock()
    with refusals():
        _limit_client(request, None, body.business_id, now)  # counted first: a wrong captcha counts too
    check_captcha(request, body.captcha_token, body.captcha_answer, now)
    with unit_of_work(request) as session:
        publisher = HallPublisher(session, request, tasks, now)
        with refusals():
            row, token, code = appointments.book(session, keys, business_id=body.business_id,
                                                 slot_start=body.slot_start, id_number=body.id_number, now=now,
                                                 emit_for=publisher.for_hall, phone=body.phone,
                                                 name=body.name)
        business = session.get(Business, row.business_id)
        appointment, business_name = _out(row), business.name
    payload = appointment_qr.payload(token)
    import segno  # here, not at the top: a server process that takes no citizen booking need not hold it
    return CitizenBooked(appointment=appointment, business=business_name, booking_code=code, qr_payload=payload,
                         qr_svg=segno.make_qr(payload, error="m").svg_data_uri(scale=6, border=4))


@router.post("/bookings/search", response_model=list[CitizenAppointment])
def mine(body: MineIn, clock: Clock, keys: Keys, request: Request) -> list[CitizenAppointment]:
    with refusals():
        _limit_client(request, None, None, clock(), LOOKUPS)
        with request.app.state.database.read_session() as session:
            rows = appointments.for_person(session, keys, body.id_number, body.booking_code,
                                           clock().astimezone(CHINA_TZ).date())
            tickets = dict(session.execute(select(QueueTicket.appointment_id, QueueTicket.id).where(
                QueueTicket.appointment_id.in_([r.id for r in rows]))).all()) if rows else {}
            return [CitizenAppointment(**_out(r).model_dump(), ticket_id=tickets.get(r.id)) for r in rows]


@router.post("/bookings/{appointment_id}/cancel", response_model=PublicAppointment)
def cancel(appointment_id: str, body: MineIn, clock: Clock, keys: Keys, request: Request,
           tasks: BackgroundTasks) -> PublicAppointment:
    with refusals():
        _limit_client(request, None, None, clock(), LOOKUPS)
    with unit_of_work(request) as session:
        publisher = HallPublisher(session, request, tasks, clock())
        with refusals():
            row = appointments.cancel(session, keys, appointment_id, body.id_number, clock(), publisher.for_hall,
                                      code=body.booking_code)
        return _out(row)


class TicketByPhoneIn(Body):
    hall_code: str = Field(min_length=1, max_length=32)
    number: str = Field(min_length=1, max_length=10)   # as printed, e.g. A012
    phone: str = Field(min_length=1, max_length=20)


class TicketFound(Response):
    ticket_id: str      # the ticket's secret: the page follows it at /m/q/<ticket_id>
    display: str
    follow_url: str


@router.post("/ticket/by-phone", response_model=TicketFound)
def ticket_by_phone(body: TicketByPhoneIn, clock: Clock, keys: Keys, request: Request) -> TicketFound:
    """手机号取号: today's ticket with this number taken with this phone at the dispenser, found by the phone's
    blind index (server/queue/ticket_phones.py). A wrong pair gets the unknown ticket's answer; every try counts
    against its address and its phone."""
    now = clock()
    limiter = limiter_for(request.app.state, "ticket_phone_limiter")
    address = request.client.host if request.client else None
    try:
        limiter.check(client_key(None, address), now, TICKET_LOOKUP_PER_CLIENT_HOUR)
        with refusals():
            phone_key = search_key(PHONE, check_mobile(body.phone), keys)
        limiter.check("phone:" + phone_key[:40], now, TICKET_LOOKUP_PER_PHONE_HOUR)
    except Rejected as exc:
        raise ApiError(429, "ticket_lookup_rate_limited", "查询过于频繁，请一小时后再试",
                       retry_after_s=exc.details.get("retry_after_s")) from None
    typed = TICKET_NUMBER.match(re.sub(r"\s", "", body.number).upper())
    if typed is None:
        raise ApiError(422, "ticket_number_invalid", "号票号码格式有误，请按号票填写，例如 A012")
    display = f"{typed.group(1)}{int(typed.group(2)):03d}"
    with request.app.state.database.read_session() as session:
        found = session.execute(
            select(QueueTicket.id, QueueTicket.display).join(Hall, Hall.id == QueueTicket.hall_id)
            .join(QueueTicketPhone, QueueTicketPhone.ticket_id == QueueTicket.id)
            .where(Hall.code == body.hall_code, QueueTicket.day == now.astimezone(CHINA_TZ).date(),
                   QueueTicket.display == display, QueueTicketPhone.phone_index == phone_key)).first()
    if found is None:  # an unknown hall, number or phone, or a pair that does not match: one answer
        raise ApiError(404, "ticket_not_found", "未找到该号票，请核对后重试")
    return TicketFound(ticket_id=found.id, display=found.display, follow_url=follow_path(found.id))


@router.post("/ticket", response_model=TicketOut)
def ticket(body: TicketIn, clock: Clock, request: Request) -> TicketOut:
    """The ticket id is the secret printed in the ticket's QR code (the dispenser's follow URL): 122 random
    bits, so it needs no rate limit of its own; the page polls this every few seconds."""
    with request.app.state.database.read_session() as session:  # polled: never queue for the write lock
        found = position_of(session, body.ticket_id.strip(), clock())
    if found is None:
        raise ApiError(404, "ticket_not_found", "未找到该号票，请核对后重试")
    return TicketOut(**found.__dict__)


class ProgressIn(Body):
    case_number: str = Field(min_length=1, max_length=40)
    code: str = Field(min_length=1, max_length=20)


class StageOut(Response):
    name: str
    state: str


class ProgressOut(Response):
    case_number: str
    item: str
    status: str
    received_on: dt.date
    applicant: str
    applicant_id: str
    stages: list[StageOut]
    rateable: bool            # 办结 and not yet rated: the page offers 一事一评
    rating: RatingLevel | None


class CaseRatingIn(ProgressIn):
    level: RatingLevel
    reason: str = Field(default="", max_length=500)


class CaseRatedOut(Response):
    case_number: str
    rating: RatingLevel
    rectification_opened: bool   # a 差评: the department verifies it and reports back


def _limit_progress(request: Request, case_number: str, now: dt.datetime) -> None:
    address = request.client.host if request.client else None
    try:
        limiter_for(request.app.state, "case_progress_limiter").check(client_key(None, address), now,
                                                                      PROGRESS_PER_CLIENT_HOUR)
        limiter_for(request.app.state, "case_progress_limiter").check(
            "case:" + normalise_case_number(case_number), now, PROGRESS_PER_CASE_HOUR)
    except Rejected as exc:
        raise ApiError(429, "progress_rate_limited", "查询过于频繁，请一小时后再试",
                       retry_after_s=exc.details.get("retry_after_s")) from None


@router.post("/progress", response_model=ProgressOut)
def progress(body: ProgressIn, clock: Clock, keys: Keys, request: Request) -> ProgressOut:
    """A wrong code and an unknown case number get the same answer; both count against the limits."""
    now = clock()
    _limit_progress(request, body.case_number, now)
    with refusals(), request.app.state.database.read_session() as session:
        found = progress_of(session, keys, body.case_number, body.code, now)
    if found is None:
        raise ApiError(404, "case_query_refused", NOT_FOUND)
    return ProgressOut(**{**found.__dict__, "stages": [StageOut(**s.__dict__) for s in found.stages]})


@router.post("/progress/rating", response_model=CaseRatedOut, status_code=201)
def rate_case_by_phone(body: CaseRatingIn, clock: Clock, keys: Keys, request: Request,
                       tasks: BackgroundTasks) -> CaseRatedOut:
    """一事一评 from the phone: opened by the case number and query code like the progress (same limits, same
    answer for a wrong code); the one rating path of server/rating/case_ratings.py records it."""
    now = clock()
    _limit_progress(request, body.case_number, now)
    with unit_of_work(request) as session:
        case = case_for(session, keys, body.case_number, body.code)
        if case is None:
            raise ApiError(404, "case_query_refused", NOT_FOUND)
        publisher = HallPublisher(session, request, tasks, now)
        with refusals():
            result = rate_case(session, publisher.for_hall(case.hall_id), case, rating_id=str(uuid.uuid4()),
                               level=body.level, reason=body.reason, at=now, by=CITIZEN)
        number = case.case_number
    return CaseRatedOut(case_number=number, rating=body.level, rectification_opened=result["record_id"] is not None)


class RemoteIn(Body):
    hall_code: str = Field(min_length=1, max_length=32)
    business_id: int
    id_number: str = Field(min_length=1, max_length=30)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy_m: float = Field(ge=0, le=1e6)  # the browser's reported uncertainty (metres)


class RemoteOut(Response):
    ticket_id: str      # the ticket's secret: the page follows it at /m/q/<ticket_id>
    display: str
    follow_url: str


@router.post("/remote-ticket", response_model=RemoteOut, status_code=201)
def remote_ticket(body: RemoteIn, clock: Clock, keys: Keys, request: Request, tasks: BackgroundTasks) -> RemoteOut:
    """到厅取号: the phone's position checked against the hall's radius, then the dispenser's issuing rules
    and the server's one issuing path (server/queue/remote.py). Counted against the booking allowance."""
    now = clock()
    with refusals():
        _limit_client(request, None, None, now, "remote_ticket_limiter")
    with unit_of_work(request) as session:
        hall = session.scalars(select(Hall).where(Hall.code == body.hall_code)).one_or_none()
        if hall is None:
            raise ApiError(404, "hall_not_found", f"大厅不存在（no hall with code {body.hall_code}）",
                           hall=body.hall_code)
        with refusals():
            row, published = issue_remote(session, request.app.state.sync_registry, keys, hall_id=hall.id,
                                          business_id=body.business_id, id_number=body.id_number,
                                          latitude=body.latitude, longitude=body.longitude,
                                          accuracy_m=body.accuracy_m, now=now)
        out, hall_id = RemoteOut(ticket_id=row.id, display=row.display, follow_url=follow_path(row.id)), hall.id
    if published:
        tasks.add_task(request.app.state.sync_hub.notify, hall_id, published)
    return out
