"""Device wake-ups across server processes on one PostgreSQL, through LISTEN/NOTIFY.

Sending: every write transaction that published changes for a hall sends, as part of its commit, a NOTIFY with
the hall's cursor (`install_notify`). A NOTIFY is transactional: delivered if and only if the transaction
commits, in commit order, so a rolled-back push wakes nobody and a committed one cannot be forgotten by a crash
between commit and notification.

Hearing: one `HallListener` thread per process holds a dedicated connection (detached from the pool) that LISTENs
on the channel and hands every cursor to the process's EventHub. After each (re)connect it LISTENs first and
then reads every hall's cursor, so a commit made while it was away is not lost; while it is away the hub's
waiters re-check the database themselves (server/sync/events.py). An idle connection is probed every
`probe_seconds`, so a silently dead one is noticed and replaced.

The channel is `govhall_<schema>`: halls of different databases or schemas never wake each other."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from server.sync import changes
from server.sync.events import EventHub

log = logging.getLogger("govhall.server.wakeups")

_NOTIFY = text("SELECT pg_notify('govhall_' || current_schema(), hall_id || ':' || value) FROM sync_counter "
               "WHERE hall_id = ANY(:halls)")


def install_notify(sessions: sessionmaker) -> None:
    """Make every session of `sessions` (PostgreSQL) NOTIFY the cursors of the halls it published to, on commit."""
    @event.listens_for(sessions, "before_commit")
    def _notify(session: Session) -> None:
        halls = changes.halls_published(session)
        if halls:
            session.execute(_NOTIFY, {"halls": sorted(halls)})


def parse(payload: str) -> tuple[int, int] | None:
    hall, _, seq = payload.partition(":")
    if not (hall.isdigit() and seq.isdigit()):
        log.warning("ignored a malformed wake-up %r", payload)
        return None
    return int(hall), int(seq)


class HallListener:
    """Feeds one process's EventHub with every process's commits (see the module's docstring)."""

    def __init__(self, engine: Engine, hub: EventHub, *, poll_seconds: float = 1.0, probe_seconds: float = 10.0,
                 retry_seconds: float = 1.0) -> None:
        self.engine, self.hub = engine, hub
        self.poll_seconds, self.probe_seconds, self.retry_seconds = poll_seconds, probe_seconds, retry_seconds
        self.live = False
        self.connects = 0  # how many times it (re)connected, for tests and logs
        self.backend_pid: int | None = None
        self._probed = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self.hub.feed = self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="govhall-wakeups", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._down()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 - any loss of the connection: reconnect
                if not self._stop.is_set():
                    log.warning("wake-up listener lost its connection (%s: %s); reconnecting",
                                type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
            self._down()
            self._stop.wait(self.retry_seconds)

    def _down(self) -> None:
        if self.live:
            self.live = False
            self.hub.wake_all()  # waiters switch to re-checking the database until the feed is back

    def _listen(self) -> None:
        raw = self.engine.raw_connection()
        conn = raw.driver_connection
        raw.detach()  # a dedicated connection: never handed back to the pool, closed with this method
        try:
            conn.rollback()
            conn.autocommit = True
            channel = conn.execute("SELECT 'govhall_' || current_schema()").fetchone()[0]
            conn.execute(f'LISTEN "{channel}"')
            self.backend_pid = conn.info.backend_pid
            for hall_id, value in conn.execute("SELECT hall_id, value FROM sync_counter").fetchall():
                self.hub.notify(hall_id, value)  # what was committed before LISTEN took effect
            self.connects += 1
            self.live = True
            log.info("wake-up listener on channel %s (connection %d)", channel, self.connects)
            while not self._stop.is_set():
                heard = False
                for note in conn.notifies(timeout=min(self.probe_seconds, 1.0)):
                    heard = True
                    got = parse(note.payload)
                    if got is not None:
                        self.hub.notify(*got)
                if not heard:
                    self._idle_probe(conn)
        finally:
            raw.close()

    def _idle_probe(self, conn) -> None:  # noqa: ANN001
        now = time.monotonic()
        if now - self._probed >= self.probe_seconds:
            self._probed = now
            conn.execute("SELECT 1")
