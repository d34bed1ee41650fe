"""The hall display's view of the calls: the current call per window, the newest one, the recent ones, and
which calls still need announcing — each accepted call exactly once, in order, even across restarts and
reconnects (the ids already announced are remembered by the caller)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shared.china_time import CHINA_TZ

# A display that starts with no memory (fresh install, new day) announces only calls this recent.
FRESH_START = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Call:
    id: str
    display: str
    window_number: int
    at: dt.datetime
    kind: str = "call"


def calls_of(rows: Iterable[dict], day: dt.date) -> list[Call]:
    """Accepted calls of the day in announcement order (time, then id: stable across devices)."""
    out = []
    for r in rows:
        if not r.get("accepted", True):
            continue
        at = r["at"] if isinstance(r["at"], dt.datetime) else dt.datetime.fromisoformat(str(r["at"]))
        at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
        if at.astimezone(CHINA_TZ).date() != day:
            continue
        out.append(Call(r["id"], r["display"], int(r["window_number"]), at, r.get("kind", "call")))
    return sorted(out, key=lambda c: (c.at, c.id))


def to_announce(calls: list[Call], announced: set[str] | None, now: dt.datetime) -> list[Call]:
    """Calls not yet announced, in order. `announced` None = no memory yet: only the fresh ones."""
    if announced is None:
        return [c for c in calls if now - c.at <= FRESH_START]
    return [c for c in calls if c.id not in announced]


def current_per_window(calls: list[Call]) -> dict[int, Call]:
    current: dict[int, Call] = {}
    for c in calls:
        current[c.window_number] = c
    return current


def recent(calls: list[Call], count: int = 8) -> list[Call]:
    return list(reversed(calls[-count:]))
