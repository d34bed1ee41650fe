"""What the hall display needs from the synced rows, and its memory of the calls already announced (kept in
the local cache, so a restart or a reconnect never announces a call twice)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from shared.sync import store
from shared.sync.client import SyncClient
from kiosk.flow.display import Call, calls_of
from kiosk.services.reference import HallDirectory


@dataclass(frozen=True)
class BoardState:
    calls: list[Call]
    paused: set[int]                       # window numbers
    waiting: list[tuple[str, str, int]]    # (prefix, business name, people waiting)


def read_board(sync: SyncClient, directory: HallDirectory, day: dt.date) -> BoardState:
    calls = calls_of(sync.rows("queue_call").values(), day)
    numbers = {w.id: w.number for w in directory.windows}
    paused = {numbers[int(r["window_id"])] for r in sync.rows("queue_window").values()
              if r.get("paused") and int(r["window_id"]) in numbers}
    counts = Counter(int(r["business_id"]) for r in sync.rows("queue_ticket").values()
                     if r.get("state") == "waiting" and str(r.get("day")) == day.isoformat())
    waiting = [(e.business.prefix, e.business.name, counts.get(e.business.id, 0))
               for e in sorted(directory.entries, key=lambda e: e.business.prefix) if e.business.active]
    return BoardState(calls, paused, waiting)


def _key(day: dt.date) -> str:
    return f"display_announced:{day.isoformat()}"


def load_announced(sync: SyncClient, day: dt.date) -> set[str] | None:
    """None: this display has no memory for today (fresh install or a new day)."""
    with sync.engine.connect() as conn:
        raw = store.get_meta(conn, _key(day))
    return None if raw is None else set(json.loads(raw))


def save_announced(sync: SyncClient, day: dt.date, ids: set[str]) -> None:
    with sync.engine.begin() as conn:
        store.set_meta(conn, _key(day), json.dumps(sorted(ids)))
