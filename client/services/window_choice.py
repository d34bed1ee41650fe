"""选择窗口 at sign-in: on a workstation whose workstation.toml names no window (a hot desk), a clerk is offered
the hall's windows with their usual window (set by the admin, synced as shared.org_rows rows) preselected, and
may take another free one. Read from the workstation's synced rows, so it works offline from the cache.

A window is free unless another clerk is serving there now (a ticket of today called or being served at that
window by someone else); a window out of service (停用) is not offered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from client.services.reference import Reference
from shared.org_rows import USUAL_WINDOW_TABLE, usual_window_number
from shared.queue.clock import CHINA_TZ
from shared.queue.tickets import TicketState
from shared.sync.client import SyncClient

AT_WORK = frozenset({TicketState.CALLED.value, TicketState.SERVING.value})


@dataclass(frozen=True)
class WindowOption:
    number: int
    name: str
    taken_by: str | None = None  # the clerk serving a ticket at it now (not this one), by display name

    @property
    def free(self) -> bool:
        return self.taken_by is None


@dataclass(frozen=True)
class WindowChoice:
    usual: int | None                 # the clerk's usual window, if the admin set one
    options: tuple[WindowOption, ...]  # the hall's windows in service, by number

    @property
    def preselected(self) -> int | None:
        """The usual window when it is free, else the first free window (None: none free)."""
        free = [o.number for o in self.options if o.free]
        return self.usual if self.usual in free else (free[0] if free else None)

    def option(self, number: int) -> WindowOption | None:
        return next((o for o in self.options if o.number == number), None)


def window_choice(sync: SyncClient, reference: Reference, username: str, now: dt.datetime) -> WindowChoice:
    """The windows this clerk may sit at now. Reads the cache: off the GUI thread."""
    today = now.astimezone(CHINA_TZ).date().isoformat()
    busy = {r["window_id"]: r["clerk"] for r in sync.rows("queue_ticket").values()
            if str(r.get("day")) == today and r.get("state") in AT_WORK and r.get("window_id") is not None
            and r.get("clerk") and r.get("clerk") != username}
    taken = {window: reference.staff.get(clerk, clerk) for window, clerk in busy.items()}  # by display name
    options = tuple(WindowOption(w.number, w.name, taken.get(w.id))
                    for w in sorted(reference.windows.values(), key=lambda w: w.number) if w.active)
    return WindowChoice(usual_window_number(sync.rows(USUAL_WINDOW_TABLE), username), options)
