"""The notify domain (server/domain.py): no sync commands, one job — the SMS sender. The gateway comes from the
settings (`sms_gateway`: log, http, cmpp) unless the app state already holds one (`state.sms_gateway`, as
tests and benches set); the sender keeps its pause after an outage between runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from server.domain import Domain
from server.notify.cmpp_gateway import CmppGateway
from server.notify.gateway import Gateway, LogGateway
from server.notify.policy import Policy
from server.notify.sender import Sender
from server.scheduler import Scheduler
from server.sync.registry import Registry
from shared.crypto.keys import KeyProvider, KeyUnavailable, keys_from_environment

SEND_SMS = "notify.send_sms"


def gateway_from_settings(settings, clock) -> Gateway:  # noqa: ANN001
    if settings.sms_gateway == "http":
        # Imported only here: `requests` costs a server that sends no SMS over HTTP about 4 MiB.
        from server.notify.http_gateway import HttpSmsGateway
        return HttpSmsGateway(settings.sms_http_endpoint, settings.sms_http_secret_id, settings.sms_http_secret_key,
                              app_id=settings.sms_http_app_id, sign_name=settings.sms_http_sign_name,
                              region=settings.sms_http_region, template_ids=settings.sms_template_ids,
                              timeout=settings.sms_timeout_s, clock=clock)
    if settings.sms_gateway == "cmpp":
        return CmppGateway(settings.sms_cmpp_host, settings.sms_cmpp_port, settings.sms_cmpp_account,
                           settings.sms_cmpp_secret, src_id=settings.sms_cmpp_src_id,
                           service_id=settings.sms_cmpp_service_id, timeout=settings.sms_timeout_s, clock=clock)
    return LogGateway()


def sender_of(state: Any) -> Sender:
    """The app's sender, made at its first run (the keys and the gateway may be set after the app is made)."""
    sender = getattr(state, "sms_sender", None)
    if sender is None:
        gateway = getattr(state, "sms_gateway", None) or gateway_from_settings(state.settings, state.clock)
        sender = state.sms_sender = Sender(gateway, None, Policy.from_settings(state.settings))
    if sender.keys is None:
        sender.keys = _keys(state)
    return sender


def _keys(state: Any) -> KeyProvider | None:
    """None while the server has no PII keys: then no citizen's phone was sealed, so nothing is queued."""
    try:
        return getattr(state, "pii_keys", None) or keys_from_environment()
    except KeyUnavailable:
        return None


def register(scheduler: Scheduler, state: Any) -> None:
    def send(session: Session, now: dt.datetime) -> int:
        return sender_of(state).run(session, now)

    scheduler.add(SEND_SMS, dt.timedelta(seconds=state.settings.sms_send_every_s), send)


def no_commands(registry: Registry) -> None:
    """Notifications are written by other domains' commands (outbox.notify), never pushed."""


DOMAIN = Domain("notify", no_commands, register)
