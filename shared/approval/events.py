"""Case events: the append-only history that drives state, clocks, audit and sync."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.approval.lifecycle import Action, CaseStatus
from shared.china_time import CHINA_TZ

# China keeps one time zone without daylight saving, so the hall's local day is UTC+8.
_EVENT_NS = uuid.UUID("4f1d3c1e-52a8-4f0b-9a53-7d1f0c6a2b10")


def local_day(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return at.astimezone(CHINA_TZ).date()


def event_id_for(command_id: str, index: int) -> str:
    """Deterministic: deciding the same command again yields the same event ids (idempotent replays)."""
    return str(uuid.uuid5(_EVENT_NS, f"{command_id}/{index}"))


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str


@dataclass(frozen=True)
class Event:
    event_id: str
    case_id: str
    seq: int                      # the case version this event creates (1, 2, …)
    action: Action
    actor: Actor
    device: str
    at: dt.datetime
    day: dt.date                  # local (China) date of `at`: what working-day clocks count
    command_id: str
    status_before: CaseStatus | None
    status_after: CaseStatus
    steps_after: tuple[str, ...]  # active step(s) after the event; self-describing without the definition
    opinion: str = ""
    attachments: tuple[str, ...] = ()
    payload: Mapping[str, Any] = field(default_factory=dict)
    # Clear personal data (ID numbers, phones) the store must encrypt (SM4) and index (HMAC-SM3);
    # kept out of repr so it never reaches a log line by accident. `payload` holds masked forms only.
    personal: Mapping[str, str] = field(default_factory=dict, repr=False)
