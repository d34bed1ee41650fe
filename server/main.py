"""The application factory."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from fastapi import Depends, FastAPI

from server.api import (
    approval_admin, approval_archive, attachments, approval_cases, approval_notices, approval_worklists, audit_log,
    auth, auth_pin, calendar, citizen, citizen_pages,
    catalogue, catalogue_admin, devices, errors, health, notice_settings, notifications, org, org_admin, queue_appointments,
    material_samples, queue_booking_name, queue_card_match, queue_config, queue_statistics, ratings, role_matrix, staff_accounts, staff_admin, staff_photo,
    sync, licence_rules, licences, verify,
)
from server.api.admission import Admission, Admitting
from server.api.body_limit import BodyLimit
from server.api.deps import commit_in_worker
from server.api.limits import parameters_within_limits
from server.api.security_headers import SecurityHeaders
from server.approval import domain as approval
from server.archive import domain as archive
from server.attachments import domain as attachments_domain
from server.core.audit_key import audit_key
from server.core import log_privacy
from server.core.settings import Settings
from server.devices.presence import Presence
from server.domain import registry_of, schedule
from server.sync.device_push import PUSH, DevicePush
from server.sync.device_reads import ServerApp, device_reads
from server.notify import jobs as notify_jobs
from server.queue import domain as queue
from server.rating import domain as rating
from server.scheduler import Scheduler
from server.storage import check_backend
from server.store.database import Database
from server.sync import domain as sync_domain
from server.sync.events import EventHub
from server.sync.reference import publish_all_halls
from server.sync.registry import Registry

API_VERSION = "1"
# Every domain, once: each registers its sync commands and its scheduled jobs the same way (server/domain.py).
DOMAINS = (sync_domain.DOMAIN, queue.DOMAIN, approval.DOMAIN, notify_jobs.DOMAIN, rating.DOMAIN,
           attachments_domain.DOMAIN, archive.DOMAIN)


def default_registry() -> Registry:
    """Every domain's commands (tests and benches add their own specs to it)."""
    return registry_of(DOMAINS)


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               clock: Callable[[], dt.datetime] | None = None, sync_registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings()
    check_backend(settings)
    database = database or Database.from_settings(settings)
    if database.audit_key is None:
        database.audit_key = audit_key(settings)
    if settings.migrate_on_start:
        database.migrate()
    app = ServerApp(title="GovHall", version=f"{API_VERSION}.0",
                    description="政务服务中心 queue and approval server. Errors: {\"error\": {code, message, details}}.",
                    dependencies=[Depends(parameters_within_limits)])
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    with database.session() as session:  # reference rows edited outside the API reach the devices too
        publish_all_halls(session, app.state.clock())
    app.state.sync_registry = sync_registry or default_registry()
    app.state.sync_hub = EventHub()
    app.state.device_checks = sync.device_checks(app)  # the long-polls' reads, in batches
    app.state.hall_cursors = sync.hall_cursors(app)
    app.state.pulls = sync.pulls(app)  # pulls that arrive together, in one unit of work
    app.state.device_presence = Presence()  # what each device said about itself at its last pull
    # Periodic jobs: `serve` starts the thread, tests call run_due(now).
    app.state.scheduler = Scheduler(database, app.state.clock, app.state.sync_hub)
    schedule(DOMAINS, app.state.scheduler, app.state)
    errors.install(app)
    log_privacy.install()
    # The sync routes first: every device request is one of them, and the router tries routes in order.
    for module in (sync, health, auth, auth_pin, catalogue, org, calendar, queue_config, queue_appointments,
                   queue_card_match, queue_statistics, approval_cases, approval_notices, approval_worklists, approval_admin,
                   ratings, staff_admin, audit_log, devices, notifications, notice_settings, org_admin, staff_accounts,
                   role_matrix, staff_photo, catalogue_admin, attachments, citizen, citizen_pages, licence_rules,
                   licences, verify, approval_archive, queue_booking_name, material_samples):
        app.include_router(module.router)
    app.include_router(material_samples.device_router)  # a sample file read by a workstation or a dispenser
    app.include_router(citizen.public)  # the citizens' pages' reads (issue 17); citizen.router holds the writes
    commit_in_worker(app)  # issue 19: a sync route's unit of work commits in its own worker call
    app.mount("/m/static", citizen_pages.static, name="citizen-static")
    app.state.admission = Admission(database.connections, settings.pool_timeout_s)
    app.add_middleware(Admitting, admission=app.state.admission)  # innermost: see server/api/admission.py
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, tls=settings.tls)  # outermost: on every answer, 413s included
    # The long-poll, the pull and the push, ahead of them all
    push = DevicePush(sync.push_commands, app.stack, app.state.admission, settings.max_body_bytes,
                      app.exception_handlers, tls=settings.tls)
    app.ahead = {**device_reads(app, tls=settings.tls), ("POST", PUSH): push}

    logging.getLogger("govhall.server").info("GovHall server ready on %s", database.engine.url.render_as_string())
    return app
