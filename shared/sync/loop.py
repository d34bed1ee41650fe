"""The background sync loop: a cycle (leases, push until empty, pull until done) on every event, on every
command queued through its client (SyncClient.on_queued), and every few seconds — every `interval` (3 s) while
the events long-poll (a second thread) is not answering, every `idle_interval` (20 s) while it is: then every
change of the hall wakes the loop at once, and the timer only catches what no event announced (a write to a
SQLite server by another process). 2,000 devices pulling every 3 s asked their server for 667 pulls a
second while nothing happened. Failures back off exponentially with jitter."""

from __future__ import annotations

import logging
import random
import threading

from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.transport import TransportError

log = logging.getLogger("govhall.sync")
INTERVAL = 3.0  # seconds between cycles while no events long-poll answers
IDLE_INTERVAL = 20.0  # while one does


def backoff_delay(failures: int, rng: random.Random, *, base: float = 0.5, cap: float = 60.0) -> float:
    """Full jitter: a random delay up to base·2^(failures-1), capped; spreads a hall's devices after an outage."""
    if failures <= 0:
        return 0.0
    return rng.uniform(0, min(cap, base * 2 ** (failures - 1)))


class SyncLoop:
    def __init__(self, client: SyncClient, *, interval: float = INTERVAL, idle_interval: float = IDLE_INTERVAL,
                 events: bool = True, poll_timeout: float = 25.0, rng: random.Random | None = None) -> None:
        self.client, self.interval, self.poll_timeout = client, interval, poll_timeout
        self.idle_interval = max(idle_interval, interval)
        self.events_live = False  # the last events long-poll was answered
        self.rng = rng or random.Random()
        self.failures = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name="sync-loop", daemon=True)]
        if events:
            self._threads.append(threading.Thread(target=self._listen, name="sync-events", daemon=True))
        self.cycles = 0
        client.on_queued(self.wake)  # every local write wakes the loop: no screen has to remember it

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)

    def wake(self) -> None:
        """Sync now (a local change was queued, or an event arrived)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.client.sync_once()
                self.failures = 0
            except SyncFailed as exc:
                self.failures += 1
                log.info("sync failed (%s); attempt %d", exc.code, self.failures)
            except Exception:  # noqa: BLE001  a bug must not kill the loop: log, back off, try again
                self.failures += 1
                log.exception("sync cycle crashed")
            self.cycles += 1
            if self.failures:
                delay = backoff_delay(self.failures, self.rng)
            else:
                delay = self.idle_interval if self.events_live else self.interval
            self._wake.wait(delay)

    def _listen(self) -> None:
        since = 0
        while not self._stop.is_set():
            try:
                reply = self.client.call("GET", "/events", params={"since": since, "timeout": self.poll_timeout},
                                         timeout=self.poll_timeout + 5)
            except TransportError:
                self._events_down()
                self._stop.wait(backoff_delay(max(self.failures, 1), self.rng))
                continue
            if reply.status != 200:
                self._events_down()
                self._stop.wait(backoff_delay(max(self.failures, 1), self.rng, base=2.0))
                continue
            self.events_live = True
            if reply.body["changed"] or reply.body["seq"] > since:
                since = reply.body["seq"]
                self.wake()

    def _events_down(self) -> None:
        """The long-poll failed: cycles come every `interval` again, the first now (so the device learns at once
        that it is offline, or catches up on what it may have missed)."""
        if self.events_live:
            self.events_live = False
            self.wake()
