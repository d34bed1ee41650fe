"""A swiped ID card matched to today's appointments by the server when it can be asked (the blind-index key
stays there), else by the dispenser's own cache under its hall's ticket key (issuing.TicketDesk)."""

from __future__ import annotations

import logging

from shared.protocol import card_match
from shared.protocol.queue_rows import appointment_of
from shared.queue.appointments import Appointment
from shared.sync.client import SyncClient
from shared.sync.transport import TransportError

log = logging.getLogger(__name__)
TIMEOUT = 3.0  # a citizen is waiting at the screen: past this, the kiosk matches on its own


def ask_server(sync: SyncClient, person_id: str) -> list[Appointment] | None:
    """The card's appointments in this hall today as the server matched them (the ID number in the body over
    the device's connection, never in the URL); None when the server could not be asked or refused. When the
    last sync found no network the kiosk does not wait for another timeout: the citizen is at the screen."""
    if sync.last_error_code == "network":
        return None
    try:
        reply = sync.call("POST", card_match.PATH, json={"id_number": person_id}, timeout=TIMEOUT)
    except TransportError as exc:
        log.info("card match offline (%s): matching on the cache", type(exc).__name__)
        return None
    if reply.status != 200 or not isinstance(reply.body, list):
        log.warning("card match refused (%s): matching on the cache", reply.error_code or reply.status)
        return None
    try:
        return [appointment_of(row, person_id) for row in reply.body]
    except (KeyError, ValueError, TypeError):
        log.warning("card match answer unreadable: matching on the cache")
        return None
