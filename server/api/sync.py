"""Hall sync endpoints: device registration, push, pull, snapshot, lease and events (async long-poll)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from server.api.deps import AdminUser, DbSession, SessionDevice
from server.api.errors import ApiError
from server.api.hall_scope import check_hall
from server.api.queue_deps import pii_keys
from server.approval import published
from server.approval.signing_keys import register_key
from server.store.audit import audit, audit_change
from server.store.database import Database
from server.sync import changes, devices, leases, provisioning, push, registration, visibility
from server.sync.batched import Batched
from server.sync.device_reads import MAX_PULL
from server.sync.errors import SyncError
from server.sync.events import spread
from server.sync.registry import Rejected
from shared.crypto.sm2 import is_sm2_public_key
from shared.db.models import Hall
from shared.protocol.registration import RegisterRequest, RegistrationCodeOut, RegistrationCodeRequest
from shared.protocol.sync import (SUPPORTED_PROTOCOLS, Block, CompactionReport, CompactionRequest,
                                  DeviceProvisioned, DeviceRegistered, DeviceRegistration,
                                  EventsResponse, LeaseRequest, LeaseResponse, PullResponse, PushRequest,
                                  ProvisionRequest, PushResponse, RefusedAsk, SnapshotResponse)

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])
DeviceToken = Annotated[str | None, Header(alias="authorization")]
StaffToken = Annotated[str | None, Header(alias="x-staff-token")]
PULL_BATCH = 100  # pulls read in one unit of work at most
# Rows a batch reads before it shortens the pages still to come (to PULL_MIN_PAGE, with has_more): it holds every
# answer until the last is built, and 24 admitted pulls of 1,000 rows were the most one process held before.
PULL_BATCH_ROWS, PULL_MIN_PAGE = 24_000, 100


@contextmanager
def _unit(request: Request, *, read_only: bool = False) -> Iterator:
    """One unit of work with the sync errors turned into the error envelope; busy databases answer 503."""
    db: Database = request.app.state.database
    with _answered():
        with db.read_session() if read_only else db.session() as session:
            yield session


@contextmanager
def _answered() -> Iterator[None]:
    """The sync errors turned into the error envelope; busy databases answer 503."""
    try:
        yield
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    except (OperationalError, DBAPIError) as exc:
        # IntegrityError here: a concurrent push inserted the same key first; retrying resolves it.
        if isinstance(exc, (OperationalError, IntegrityError)) or getattr(exc, "connection_invalidated", False):
            raise ApiError(503, "busy_retry", "服务器繁忙，请稍后重试（database busy, retry with backoff）") from None
        raise


def _now(request: Request) -> dt.datetime:
    return request.app.state.clock()


def _idle(request: Request) -> float:
    """Staff tokens unused this long are refused; pushes and leases count as use, reads do not."""
    return request.app.state.settings.token_idle_minutes




def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _protocol(version: int) -> None:
    if version not in SUPPORTED_PROTOCOLS:
        raise ApiError(400, "protocol_unsupported", "客户端版本过旧或过新，请升级（unsupported sync protocol）",
                       supported=list(SUPPORTED_PROTOCOLS), got=version)


def _row_json(kind: str, row, window_id: int | None) -> str | None:  # noqa: ANN001
    """A pulled row as this device's kind may read it, sealed values opened (the stored text when neither
    applies, spliced unparsed)."""
    return published.open_published_json(row.tbl, row.pk,
                                         visibility.visible_row_json(kind, row.tbl, row.row_json, window_id))


@router.post("/devices", response_model=DeviceRegistered, status_code=201)
def register(body: DeviceRegistration, session: DbSession, admin: AdminUser, request: Request) -> DeviceRegistered:
    # The admin check already opened this request's unit of work (on SQLite, the write lock): use it.
    check_hall(admin, session, {"hall_id": body.hall_id})
    if body.signing_key is not None and (body.kind != "workstation" or not is_sm2_public_key(body.signing_key)):
        raise ApiError(422, "signing_key_invalid", "签名密钥须为工作站的SM2公钥（a workstation's SM2 public key）",
                       kind=body.kind)
    try:
        device, token = devices.register_device(session, kind=body.kind, name=body.name, hall_id=body.hall_id,
                                                window_id=body.window_id)
        if body.signing_key is not None:
            register_key(session, device.id, body.signing_key, _now(request))
    except (SyncError, Rejected) as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit(session, action="device_register", outcome="success", actor=admin.username, target=device.id)
    return DeviceRegistered(device_id=device.id, token=token, hall_id=device.hall_id,
                            scopes=devices.scopes_for(device.hall_id, device.window_id))


@router.post("/provision", response_model=DeviceProvisioned, status_code=201)
def provision(body: ProvisionRequest, session: DbSession, admin: AdminUser, request: Request,
              device: SessionDevice) -> DeviceProvisioned:
    """Register a dispenser, display, evaluator, clerk or approver workstation for a hall (and window) and
    answer its ready config file; `python -m server provision` does the same on the server's database."""
    hall = session.scalars(select(Hall.id).where(Hall.code == body.hall)).first()
    if hall is not None:
        check_hall(admin, session, {"hall_id": hall})
    try:
        keys = pii_keys(request)  # dispensers get the ticket key, workstations the verification key
    except ApiError:  # no keys: a dispenser cannot match appointments by ID, a workstation's QR codes won't verify
        keys = None
    try:
        done = provisioning.provision(session, kind=body.kind, hall_code=body.hall, window_number=body.window,
                                      server_url=body.server, name=body.name, keys=keys,
                                      device_sections=body.devices, server_ca=body.server_ca, now=_now(request))
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit_change(session, admin.username, "device_provision", done.device_id, None,  # never the token
                 {"kind": body.kind, "hall": body.hall, "window": body.window, "name": body.name}, device)
    return DeviceProvisioned(device_id=done.device_id, kind=done.kind.name, hall_id=done.hall_id,
                             scopes=done.scopes, file_name=done.kind.file_name, config=done.config)


@router.post("/registration-codes", response_model=RegistrationCodeOut, status_code=201)
def registration_code(body: RegistrationCodeRequest, session: DbSession, admin: AdminUser, request: Request,
                      device: SessionDevice) -> RegistrationCodeOut:
    """A one-time code for a device to register itself by scanning it (shared.protocol.registration): the QR
    text carries the server's address, the hall and the code — no token, no key."""
    hall = session.scalars(select(Hall.id).where(Hall.code == body.hall)).first()
    if hall is not None:
        check_hall(admin, session, {"hall_id": hall})
    try:
        qr, expires = registration.make_code(session, kind=body.kind, hall_code=body.hall, window_number=body.window,
                                             server_url=body.server, name=body.name, created_by=admin.username,
                                             now=_now(request), valid=dt.timedelta(minutes=body.valid_minutes))
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit_change(session, admin.username, "device_registration_code", body.hall, None,  # never the code
                 {"kind": body.kind, "hall": body.hall, "window": body.window, "expires_at": expires.isoformat()},
                 device)
    return RegistrationCodeOut(qr_text=qr.text(), expires_at=expires.isoformat())


@router.post("/register", response_model=DeviceProvisioned, status_code=201)
def register_by_code(body: RegisterRequest, session: DbSession, request: Request) -> DeviceProvisioned:
    """A new device redeems the one-time code it scanned and gets its config (its token only in this answer)."""
    try:
        keys = pii_keys(request)
    except ApiError:
        keys = None
    try:
        done = registration.redeem(session, code=body.code, kind=body.kind, now=_now(request), keys=keys)
    except SyncError as exc:
        raise ApiError(exc.status, exc.code, exc.message, **exc.details) from None
    audit(session, action="device_register_by_code", outcome="success", actor="device", target=done.device_id)
    return DeviceProvisioned(device_id=done.device_id, kind=done.kind.name, hall_id=done.hall_id,
                             scopes=done.scopes, file_name=done.kind.file_name, config=done.config)


@router.post("/compact", response_model=CompactionReport)
def compact(body: CompactionRequest, session: DbSession, admin: AdminUser, request: Request) -> CompactionReport:
    """Retention: drop superseded entries and tombstones older than `retention_days`; devices whose cursor
    is older than what was dropped will reset from a snapshot. Run it daily (e.g. from cron)."""
    before = _now(request) - dt.timedelta(days=body.retention_days)
    dropped = changes.compact_all(session, before=before)
    audit(session, action="sync_compact", outcome="success", actor=admin.username, dropped=sum(dropped.values()))
    return CompactionReport(dropped=dropped)


@router.post("/push", response_model=PushResponse)
def push_commands(body: PushRequest, request: Request, authorization: DeviceToken = None,
                  x_staff_token: StaffToken = None) -> Response:
    _protocol(body.protocol_version)
    now = _now(request)

    def apply(session):  # noqa: ANN001, ANN202 - run in the push's unit of work (on SQLite, a group's)
        ctx = devices.authenticate(session, authorization, x_staff_token, now, idle_minutes=_idle(request), use=True)
        devices.check_device_field(ctx, body.device)
        return ctx, push.apply_push(session, request.app.state.sync_registry, ctx, body.commands, now)

    database = request.app.state.database
    with _answered():
        ctx, (last_seq, results, published) = database.push_unit(apply, len(body.commands), body.device)
    database.push_halls[ctx.device_id] = ctx.hall_id  # its next push's group (PostgreSQL)
    if published:
        request.app.state.sync_hub.notify(ctx.hall_id, published)
    # Serialised once here; FastAPI would validate the model a second time on the way out.
    out = PushResponse(last_seq=last_seq, results=results, server_time_ms=_ms(_now(request)))
    return Response(out.model_dump_json(), media_type="application/json")


def _parse_cursors(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in filter(None, text.split(",")):
        scope, _, value = part.rpartition("@")
        # ASCII digits only ("²".isdigit() is true) and within 64 bits
        if not scope or not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise ApiError(422, "invalid_cursor", "游标格式有误（cursors read scope@n,scope@n）", cursor=part)
        out[scope] = int(value)
    return out



@router.get("/pull", response_model=PullResponse)
async def pull(request: Request, cursors: str = "", limit: Annotated[int, Query(ge=1, le=MAX_PULL)] = 1000,
               authorization: DeviceToken = None, x_staff_token: StaffToken = None) -> Response:
    """Changes after the device's cursors. Every change of a hall wakes all its devices, which pull at once: the
    pulls waiting at one moment share one thread-pool call and one reading unit of work (`pulls`)."""
    asked = _parse_cursors(cursors)
    device_id, body = await request.app.state.pulls.ask((authorization, x_staff_token, asked, limit))
    request.app.state.device_presence.note(device_id, request.headers, _now(request))
    return Response(body, media_type="application/json")


def pulls(app: FastAPI) -> Batched:
    """The pulls' work: (device token, staff token, cursors, limit) → (device id, the answer's JSON), or the
    refusal of that pull alone. Pulls come ahead of the middleware (server/sync/device_reads.py), so a pull
    waiting for its batch holds no admission place: the batch is admitted for its database call."""
    return Batched(partial(_in_worker, app, _pull_pages), limit=PULL_BATCH)


def _pull_pages(app: FastAPI, asks: list[tuple[str | None, str | None, dict[str, int], int]]) -> list:
    now, idle, out, read = app.state.clock(), app.state.settings.token_idle_minutes, [], 0
    with _answered(), app.state.database.read_session() as session:  # a busy database: each pull's 503
        for authorization, staff_token, asked, limit in asks:
            limit = min(limit, max(PULL_MIN_PAGE, PULL_BATCH_ROWS - read))  # a shorter page says has_more
            try:
                ctx = devices.authenticate(session, authorization, staff_token, now, idle_minutes=idle)
                devices.check_scopes(ctx, list(asked))
            except SyncError as exc:
                out.append(ApiError(exc.status, exc.code, exc.message, **exc.details))
                continue
            last_seq, top = changes.puller(session, ctx.device_id, ctx.hall_id)
            page = changes.pull_page(session, asked or {s: 0 for s in ctx.scopes}, limit,
                                     visibility.hidden_tables(ctx.kind), top)
            read += len(page.changes)
            # Built by hand (the PullResponse shape): the stored row JSON is spliced in, not parsed and re-encoded.
            head = json.dumps({"cursors": page.cursors, "has_more": page.has_more, "scopes": ctx.scopes,
                               "reset_required": page.reset_required, "last_seq": last_seq,
                               "server_time_ms": _ms(now)})
            shown = [r for r in page.changes if visibility.visible_key(ctx.kind, ctx.window_id, r.tbl, r.pk)]
            out.append((ctx.device_id, f'{{"changes":[{change_items(shown, ctx.kind, ctx.window_id)}],{head[1:]}'))
    return out


def change_items(rows, kind: str, window_id: int | None = None) -> str:  # noqa: ANN001
    """Change rows as JSON array items, each stored row JSON as `kind` may read it, spliced in unparsed (pull
    and snapshot alike)."""
    return ",".join(f'{{"scope":{json.dumps(r.scope)},"seq":{r.seq},"table":{json.dumps(r.tbl)},'
                    f'"pk":{json.dumps(r.pk)},"op":"{r.op}","row":{_row_json(kind, r, window_id) or "null"}}}'
                    for r in rows)


@router.get("/snapshot", response_model=SnapshotResponse)
def snapshot(request: Request, scope: str, authorization: DeviceToken = None,
             x_staff_token: StaffToken = None) -> Response:
    with _unit(request, read_only=True) as session:
        ctx = devices.authenticate(session, authorization, x_staff_token, _now(request), idle_minutes=_idle(request))
        devices.check_scopes(ctx, [scope])
        cursor, rows = changes.snapshot(session, scope)
        hidden = visibility.hidden_tables(ctx.kind)
    # Built like pull's answer (the SnapshotResponse shape), so a stored row is never re-validated.
    head = json.dumps({"scope": scope, "cursor": cursor, "server_time_ms": _ms(_now(request))})
    shown = [r for r in rows
             if r.tbl not in hidden and visibility.visible_key(ctx.kind, ctx.window_id, r.tbl, r.pk)]
    items = change_items(shown, ctx.kind, ctx.window_id)
    return Response(f'{{"rows":[{items}],{head[1:]}', media_type="application/json")


@router.post("/lease", response_model=LeaseResponse)
def lease(body: LeaseRequest, request: Request, authorization: DeviceToken = None,
          x_staff_token: StaffToken = None) -> LeaseResponse:
    _protocol(body.protocol_version)
    with _unit(request) as session:
        ctx = devices.authenticate(session, authorization, x_staff_token, _now(request),
                                   idle_minutes=_idle(request), use=True)
        devices.check_device_field(ctx, body.device)
        for ret in body.returns:
            leases.return_tail(session, ctx, ret)
        granted, refused, budget = [], [], leases.RequestBudget()
        for ask in body.asks:
            try:
                block = leases.grant(session, ctx, ask, budget)
            except leases.SeriesExhausted as exc:  # the other asks and returns still count
                refused.append(RefusedAsk(request_id=ask.request_id, code=exc.code, message=exc.message))
                continue
            budget.spend(ask, block)
            granted.append(Block(block_id=block.id, request_id=ask.request_id, series=ask.series, prefix=ask.prefix,
                                 day=ask.day, kind=block.kind, first=block.first, last=block.last))
    return LeaseResponse(blocks=granted, refused=refused, returned=[r.block_id for r in body.returns],
                         server_time_ms=_ms(_now(request)))


@router.get("/events", response_model=EventsResponse)
async def events(request: Request, since: Annotated[int, Query(ge=0)] = 0,
                 timeout: Annotated[float, Query(ge=0, le=60)] = 25.0, authorization: DeviceToken = None,
                 x_staff_token: StaffToken = None) -> EventsResponse:
    """Long-poll: answers as soon as the device's hall passes cursor `since`, or with changed=false on timeout
    (at a random point of its last fifth, so that the devices a change woke together do not time out together).
    Waiting costs a coroutine, not a thread; the database is touched only briefly, in the thread pool."""
    ctx = await request.app.state.device_checks.ask((authorization, x_staff_token))
    current = partial(request.app.state.hall_cursors.ask, ctx.hall_id)
    changed, seq = await request.app.state.sync_hub.wait(ctx.hall_id, since, spread(timeout), current)
    return EventsResponse(changed=changed, seq=seq)


# The long-poll's steps, at module level: thousands of devices wait in `events` at once, and closures made per
# request would each stay alive for the whole wait. Their database reads go in batches (server/sync/batched.py):
# the polls that arrive together share one admission place, one thread-pool call and one reading unit of work.
def device_checks(app: FastAPI) -> Batched:
    """The polls' device checks: (device token, staff token) → the device, or the refusal of that poll alone."""
    return Batched(partial(_in_worker, app, _who))


def hall_cursors(app: FastAPI) -> Batched:
    """A hall's cursor, read when the hub does not know it (the first poll since start, a wake-up feed not live)."""
    return Batched(partial(_in_worker, app, _cursors))


async def _in_worker(app: FastAPI, work: Callable[[FastAPI, list], list], asks: list) -> list:
    """Admitted for the database call, not for the wait (server/api/admission.py)."""
    async with app.state.admission.admitted():
        return await run_in_threadpool(work, app, asks)


def _who(app: FastAPI, asks: list[tuple[str | None, str | None]]) -> list[devices.DeviceContext | ApiError]:
    """Each ask's (device token, staff token) checked as every device request is; a refusal is its ask's alone."""
    now, idle, out = app.state.clock(), app.state.settings.token_idle_minutes, []
    with _answered(), app.state.database.read_session() as session:  # a busy database: each ask's 503
        for authorization, staff_token in asks:
            try:
                out.append(devices.authenticate(session, authorization, staff_token, now, idle_minutes=idle))
            except SyncError as exc:
                out.append(ApiError(exc.status, exc.code, exc.message, **exc.details))
    return out


def _cursors(app: FastAPI, halls: list[int]) -> list[int]:
    with _answered(), app.state.database.read_session() as session:
        seqs = changes.current_seqs(session, set(halls))
    return [seqs[hall_id] for hall_id in halls]
