"""Route dependencies: the unit of work, the clock, the signed-in staff member and role checks."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, Header, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response as StarletteResponse
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.api.hall_scope import check_hall
from server.credentials.idle import idle_expired, touch, use_due
from server.credentials.login import Login, login_of
from server.credentials.passwords import change_required, policy_of
from server.core.settings import Settings
from server.store.audit import CLOCK_INFO
from server.store.database import Database
from server.store.models import AuthToken
from server.sync import changes
from shared.db.models import StaffUser


# The app's own objects, handed out in the event loop: FastAPI runs a dependency that is not a coroutine in the
# thread pool, and each of these three hops cost a thread hand-over on every request (issue 19).
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_clock(request: Request) -> Callable[[], dt.datetime]:
    return request.app.state.clock


class _Unit:
    """The request's units of work, as the route's worker thread finishes them (see `commit_in_worker`)."""

    def __init__(self) -> None:
        self.session: Session | None = None  # DbSession
        self.reading: Session | None = None  # ReadSession
        self.halls: set[int] = set()

    def commit(self) -> None:
        if self.session is not None and self.session.in_transaction():
            self.halls = changes.halls_published(self.session)
            self.session.commit()

    def rollback(self) -> None:
        if self.session is not None and self.session.in_transaction():
            self.session.rollback()

    def close_reading(self) -> None:
        if self.reading is not None:
            self.reading.close()


# Set by an async dependency, i.e. in the request's own task: every threadpool call of that request runs in a
# copy of its context, so the session dependency's thread and the endpoint's thread see the same _Unit.
_UNIT: ContextVar[_Unit | None] = ContextVar("govhall_unit_of_work", default=None)


async def _unit_of_work() -> _Unit:
    unit = _Unit()
    _UNIT.set(unit)
    return unit


# The sessions are coroutine dependencies: they begin without I/O (a connection is taken at the first statement)
# and a sync route's worker ends them (commit_in_worker), so a request does not hop to the thread pool and back
# to open its unit of work and again to close it. Only a unit the worker did not end (an async route, a route
# that failed before its body ran) is ended in the thread pool here.
async def get_session(request: Request, db: Annotated[Database, Depends(get_database)],
                      unit: Annotated[_Unit, Depends(_unit_of_work)]) -> AsyncIterator[Session]:
    session = unit.session = db.begin()
    session.info[CLOCK_INFO] = request.app.state.clock  # what its audit rows are timed by
    try:
        yield session
    except BaseException:
        await _end(session, commit=False)
        raise
    halls = changes.halls_published(session) | unit.halls
    await _end(session, commit=True)
    # An admin's change (calendar year, rules, a definition version) reaches online devices within a second:
    # the halls it published to are woken once it has committed, as after a push or a scheduled job.
    hub = getattr(request.app.state, "sync_hub", None)
    if halls and hub is not None:
        for hall_id, seq in (await run_in_threadpool(_cursors, db, halls)).items():
            hub.notify(hall_id, seq)


async def _end(session: Session, *, commit: bool) -> None:
    if session.in_transaction():
        with anyio.CancelScope(shield=True):  # a client gone meanwhile must not leave the connection held
            await run_in_threadpool(_finish, session, commit)
    else:
        session.close()  # ended by the route's worker: no connection left, nothing to wait for


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
    finally:
        session.close()  # rolls back what was not committed


def _cursors(db: Database, halls: set[int]) -> dict[int, int]:
    with db.read_session() as session:
        return changes.current_seqs(session, halls)


def _committing(endpoint: Callable[..., Any], response_field: Any) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the wrapped signature and annotations
    def run(*args: Any, **kwargs: Any) -> Any:
        unit = _UNIT.get()
        try:
            for name, value in kwargs.items():
                if isinstance(value, InWorker):
                    kwargs[name] = value.work()
            result = endpoint(*args, **kwargs)
            if unit is not None and response_field is not None and not isinstance(result, StarletteResponse):
                # An ORM row answered: read what the response model shows (lazy relationships) before the
                # commit; FastAPI then validates a model, which needs no database.
                value, errors = response_field.validate(result, {}, loc=("response",))
                result = result if errors else value
        except BaseException:
            if unit is not None:
                unit.rollback()
            raise
        if unit is not None:
            unit.commit()  # a busy database raises here, inside the route: the 503 handler answers it
            if response_field is not None or isinstance(result, StarletteResponse):
                unit.close_reading()  # the answer is read in full: nothing left to load
        return result
    run.govhall_commits_in_worker = True  # type: ignore[attr-defined]
    return run


def commit_in_worker(app: FastAPI) -> None:
    """Every sync route commits (or rolls back) its DbSession in the same threadpool call as its body (issue
    19). The dependency's teardown, and FastAPI's response validation, each run in a later call that needs
    a free worker: with a crowd of writers, every worker could be blocked on the write lock (SQLite) or a row
    lock (PostgreSQL) that a finished request still held while it waited for a worker: a deadlock until the
    clients gave up. Called once, after every router is included."""
    for route in _api_routes(app.routes):
        call = route.endpoint
        if getattr(call, "govhall_commits_in_worker", False):
            continue
        if (inspect.iscoroutinefunction(call) or inspect.isgeneratorfunction(call)
                or inspect.isasyncgenfunction(call)):  # async, or streaming (the body runs as the answer is sent)
            _refuse_in_worker(route, route.dependant)
            continue
        # FastAPI builds an included router's routes lazily from `endpoint`; a direct route runs `dependant.call`.
        route.endpoint = route.dependant.call = _committing(call, route.response_field)


def _refuse_in_worker(route: APIRoute, dependant: Any) -> None:
    """A route without a worker call of ours cannot take a dependency worked out in one (InWorker)."""
    for sub in dependant.dependencies:
        if getattr(sub.call, "govhall_in_worker", False):
            raise TypeError(f"{route.path}: {sub.call.__name__} needs a sync route (server/api/deps.py InWorker)")
        _refuse_in_worker(route, sub)


def _api_routes(routes: list) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router (FastAPI's _IncludedRouter)
            yield from _api_routes(route.original_router.routes)


async def get_read_session(db: Annotated[Database, Depends(get_database)],
                           unit: Annotated[_Unit, Depends(_unit_of_work)]) -> AsyncIterator[Session]:
    """A unit of work that only reads: on SQLite it begins without the write lock, so staff lists and searches
    run beside pushes and beside each other instead of queueing for the one writer. Ended by the route's
    worker once the answer is read in full, else here, like `get_session`'s."""
    session = unit.reading = db.begin(read_only=True)
    try:
        yield session
    finally:
        await _end(session, commit=False)


def get_stats_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with db.stats_session() as session:
        yield session


# scope="function": the unit of work commits before the response is sent, so what the response tells (a revealed
# identity) is never ahead of what it recorded (its audit entry).
DbSession = Annotated[Session, Depends(get_session, scope="function")]
StatsSession = Annotated[Session, Depends(get_stats_session)]  # read-only; the replica when one is configured
ReadSession = Annotated[Session, Depends(get_read_session)]  # only reads; ended once the answer is read in full
AppSettings = Annotated[Settings, Depends(get_settings)]
Clock = Annotated[Callable[[], dt.datetime], Depends(get_clock)]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _login(session: Session, authorization: str | None) -> Login | None:
    if not authorization or not authorization.startswith("Bearer "):
        return None
    return login_of(session, token_hash(authorization.removeprefix("Bearer ").strip()))


def _token_row(session: Session, authorization: str | None) -> AuthToken | None:
    login = _login(session, authorization)
    return login.token if login is not None else None


def session_user(session: Session, authorization: str | None, now: dt.datetime, settings: Settings, *,
                 use: bool = True) -> StaffUser:
    """The member a staff token names, or the ApiError every route gives (not signed in, token unknown,
    revoked or expired, idle too long, account disabled). Counts as the token's use (server/credentials/idle.py)
    unless `use` is False (the caller records it)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(401, "not_authenticated", "请先登录（a staff token is required）")
    login = _login(session, authorization)
    row = login.token if login is not None else None
    if row is None or row.revoked or row.expires_at <= now:
        raise ApiError(401, "token_invalid", "登录已失效，请重新登录（token unknown, revoked or expired）")
    if idle_expired(row, now, settings.token_idle_minutes):
        raise ApiError(401, "token_idle_expired", "长时间未操作，登录已失效，请重新登录（session idle too long）")
    user = login.user
    if not user.active:
        raise ApiError(401, "token_invalid", "账号已停用（account disabled）")
    if use:
        touch(row, now)
    return user


def refuse_if_change_due(session: Session, user: StaffUser, now: dt.datetime, settings: Settings) -> StaffUser:
    if change_required(session, user, now, policy_of(settings)):
        raise ApiError(403, "password_change_required", "请先修改密码（the password must be changed first）")
    return user


def get_session_user(session: DbSession, clock: Clock, authorization: Annotated[str | None, Header()] = None, *,
                     settings: Annotated[Settings, Depends(get_settings)]) -> StaffUser:
    """The signed-in member, even one who must change the password first (logout, me, the change itself)."""
    return session_user(session, authorization, clock(), settings)


SessionUser = Annotated[StaffUser, Depends(get_session_user)]


def get_session_device(session: DbSession, authorization: Annotated[str | None, Header()] = None) -> str | None:
    """The workstation the caller's staff session was opened on (audit: from which workstation), or None."""
    row = _token_row(session, authorization)
    return row.device_id if row is not None else None


SessionDevice = Annotated[str | None, Depends(get_session_device)]


def staff_of(session: Session, authorization: str | None, now: dt.datetime, idle_minutes: float) -> int | None:
    """The id of the staff member a valid token names, else None (routes open to anonymous callers): a token
    idle for `idle_minutes` (settings.token_idle_minutes) is no login here either. Not a use of the token."""
    row = _token_row(session, authorization)
    if row is None or row.revoked or row.expires_at <= now or idle_expired(row, now, idle_minutes):
        return None
    return row.user_id


def current_user(session: Session, authorization: str | None, now: dt.datetime, settings: Settings) -> StaffUser:
    return refuse_if_change_due(session, session_user(session, authorization, now, settings), now, settings)


def get_current_user(session: DbSession, clock: Clock, settings: AppSettings,
                     authorization: Annotated[str | None, Header()] = None) -> StaffUser:
    """The signed-in member, refused while a password change is due (first login, after a reset, expired). One
    dependency, not SessionUser's and a check of its own: each sync dependency is a hop to the thread pool."""
    return current_user(session, authorization, clock(), settings)


CurrentUser = Annotated[StaffUser, Depends(get_current_user)]


class InWorker:
    """A dependency's value worked out at the start of the route's own worker call (commit_in_worker), not in
    a thread-pool call of its own: each such call is a thread hand-over each way (issue 19)."""
    __slots__ = ("work",)

    def __init__(self, work: Callable[[], Any]) -> None:
        self.work = work


async def get_reading_user(session: ReadSession, db: Annotated[Database, Depends(get_database)], clock: Clock,
                           settings: AppSettings,
                           authorization: Annotated[str | None, Header()] = None) -> StaffUser:
    """CurrentUser for routes that only read (with a ReadSession): the same checks, on the reading session, in
    the route's worker call before its body (a staff list or search makes one thread-pool call fewer)."""
    check = functools.partial(_reading_user, session, db, clock(), settings, authorization)
    return InWorker(check)  # type: ignore[return-value]  # the route receives the StaffUser


get_reading_user.govhall_in_worker = True  # type: ignore[attr-defined]  # checked by commit_in_worker


def _reading_user(session: Session, db: Database, now: dt.datetime, settings: Settings,
                  authorization: str | None) -> StaffUser:
    """The token's use, recorded to the minute (server/credentials/idle.py), is written in a short unit of work
    of its own when due: a member's lists and searches take the write lock once a minute at most."""
    user = refuse_if_change_due(session, session_user(session, authorization, now, settings, use=False), now,
                                settings)
    row = _token_row(session, authorization)
    if use_due(row, now):
        with db.session() as writing:
            current = writing.get(AuthToken, row.token_hash)
            if current is not None:  # signed out meanwhile: nothing to keep alive
                touch(current, now)
    return user


ReadingUser = Annotated[StaffUser, Depends(get_reading_user)]


def require_role(*roles: str) -> Callable[..., StaffUser]:
    """The role, and for a route about one hall (a `hall_id` path parameter) that hall: staff act in their own
    hall only (server/api/hall_scope.py); an admin of no hall acts in every hall."""
    def check(request: Request, session: DbSession, clock: Clock, settings: AppSettings,
              authorization: Annotated[str | None, Header()] = None) -> StaffUser:
        user = current_user(session, authorization, clock(), settings)  # CurrentUser's checks, in the same hop
        if not set(roles) & set(user.role_names):
            raise ApiError(403, "role_required", "当前账号无权执行此操作（role required: " + ", ".join(roles) + "）",
                           required=list(roles))
        check_hall(user, session, request.path_params)
        return user
    check.roles = roles  # type: ignore[attr-defined]  # read by the role matrix (server/api/role_matrix.py)
    return check


AdminUser = Annotated[StaffUser, Depends(require_role("admin"))]
