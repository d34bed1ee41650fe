"""The SMS gateway interface: submit one message, and poll for delivery reports and citizens' replies (a "TD"
reply opts the number out). A gateway that cannot be reached raises GatewayUnavailable (the sender retries
with backoff); one that refuses this message raises GatewayRefused (the message fails for good)."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("govhall.notify")


class GatewayUnavailable(Exception):
    """Down, timed out, overloaded or not accepting our credentials: try again later."""


class GatewayRefused(Exception):
    """This message will never be accepted (a bad number, a number the carrier blocks)."""


@dataclass(frozen=True)
class Outgoing:
    notification_id: str
    phone: str                 # 11 digits, no country code
    event: str
    text: str                  # the rendered Chinese text
    params: list[str] = field(default_factory=list)  # the template's parameters, in order


@dataclass(frozen=True)
class Report:
    msg_id: str
    delivered: bool
    status: str                # the gateway's own word: DELIVRD, SUCCESS, UNDELIV…


@dataclass(frozen=True)
class Reply:
    phone: str
    text: str


Replies = tuple[list[Report], list[Reply]]


class Gateway(Protocol):
    name: str

    def send(self, message: Outgoing) -> str:
        """Submit; returns the gateway's message id."""

    def poll(self) -> Replies:
        """Delivery reports and replies received since the last poll."""

    def close(self) -> None: ...


class LogGateway:
    """No SMS provider configured: the message is logged (never the number) and kept for inspection, and
    counts as delivered at once."""
    name = "log"

    def __init__(self, keep: int = 10_000) -> None:
        self.sent: deque[Outgoing] = deque(maxlen=keep)
        self._reports: list[Report] = []
        self._next = 0

    def send(self, message: Outgoing) -> str:
        self._next += 1
        msg_id = f"log-{self._next}"
        log.info("sms %s (%s): %s", message.event, message.notification_id, message.text)
        self.sent.append(message)
        self._reports.append(Report(msg_id, True, "LOGGED"))
        return msg_id

    def poll(self) -> Replies:
        reports, self._reports = self._reports, []
        return reports, []

    def close(self) -> None:
        pass
