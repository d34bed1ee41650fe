"""A dispenser asks the server which of today's appointments in its hall a swiped ID card has (issue 18: the
blind-index key never leaves the server, so online the match is made there). The ID number travels in the
body, never the URL; the answer is the appointments alone, masked and without index keys."""

from __future__ import annotations

from pydantic import Field

from shared.protocol.base import Request
from shared.protocol.queue_admin import PublicAppointment

PATH = "/card-match"  # under /api/v1/sync, with the devices' other endpoints
PER_DEVICE_PER_HOUR = 600  # a busy dispenser reads a card every few seconds at most


class CardMatchIn(Request):
    id_number: str = Field(min_length=1, max_length=30)


CardMatchOut = list[PublicAppointment]
