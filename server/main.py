"""The application factory."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from server.api import (
    approval_admin, approval_cases, approval_notices, approval_worklists, auth, calendar, catalogue, errors, health,
    org, queue_appointments, queue_config, queue_statistics, sync,
)
from server.approval import domain as approval
from server.core.settings import Settings
from server.domain import registry_of, schedule
from server.queue import domain as queue
from server.scheduler import Scheduler
from server.store.database import Database
from server.sync import domain as sync_domain
from server.sync.events import EventHub
from server.sync.reference import publish_all_halls
from server.sync.registry import Registry
from server.sync.token_cache import TokenCache

API_VERSION = "1"
# Every domain, once: each registers its sync commands and its scheduled jobs the same way (server/domain.py).
DOMAINS = (sync_domain.DOMAIN, queue.DOMAIN, approval.DOMAIN)


def default_registry() -> Registry:
    """Every domain's commands (tests and benches add their own specs to it)."""
    return registry_of(DOMAINS)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await errors.envelope(413, "payload_too_large",
                                         f"请求内容过大（body over {self.limit} bytes）")(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise errors.ApiError(413, "payload_too_large", f"请求内容过大（body over {self.limit} bytes）")
            return message

        return await self.app(scope, counted, send)


class NoStore:
    """`Cache-Control: no-store` on every response that does not set its own. Plain ASGI: the decorator form
    (BaseHTTPMiddleware) costs a task group and a stream per request, which showed in the push profile."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_header(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_header)


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               clock: Callable[[], dt.datetime] | None = None, sync_registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings()
    database = database or Database(settings.effective_database_url)
    if settings.migrate_on_start:
        database.migrate()
    app = FastAPI(title="GovHall", version=f"{API_VERSION}.0",
                  description="政务服务中心 queue and approval server. Errors: {\"error\": {code, message, details}}.")
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    with database.session() as session:  # reference rows edited outside the API reach the devices too
        publish_all_halls(session, app.state.clock())
    app.state.sync_registry = sync_registry or default_registry()
    app.state.sync_hub = EventHub()
    app.state.device_tokens = TokenCache()  # verified device tokens; a revoke calls its forget_device(id)
    # Periodic jobs: `serve` starts the thread, tests call run_due(now).
    app.state.scheduler = Scheduler(database, app.state.clock, app.state.sync_hub)
    schedule(DOMAINS, app.state.scheduler, app.state)
    errors.install(app)
    for module in (health, auth, catalogue, org, calendar, sync, queue_config, queue_appointments, queue_statistics,
                   approval_cases, approval_notices, approval_worklists, approval_admin):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(NoStore)

    logging.getLogger("govhall.server").info("GovHall server ready on %s", database.engine.url.render_as_string())
    return app
