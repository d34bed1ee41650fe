"""The background sync loop: a cycle (leases, push until empty, pull until done) on every event, on every
command queued through its client (SyncClient.on_queued), and at least every few seconds; failures back off exponentially with jitter. A second thread long-polls for events."""

from __future__ import annotations

import logging
import random
import threading

from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.transport import TransportError

log = logging.getLogger("govhall.sync")


def backoff_delay(failures: int, rng: random.Random, *, base: float = 0.5, cap: float = 60.0) -> float:
    """Full jitter: a random delay up to base·2^(failures-1), capped; spreads a hall's devices after an outage."""
    if failures <= 0:
        return 0.0
    return rng.uniform(0, min(cap, base * 2 ** (failures - 1)))


class SyncLoop:
    def __init__(self, client: SyncClient, *, interval: float = 3.0, events: bool = True, poll_timeout: float = 25.0,
                 rng: random.Random | None = None) -> None:
        self.client, self.interval, self.poll_timeout = client, interval, poll_timeout
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
            delay = backoff_delay(self.failures, self.rng) if self.failures else self.interval
            self._wake.wait(delay)

    def _listen(self) -> None:
        since = 0
        while not self._stop.is_set():
            try:
                reply = self.client.call("GET", "/events", params={"since": since, "timeout": self.poll_timeout},
                                         timeout=self.poll_timeout + 5)
            except TransportError:
                self._stop.wait(backoff_delay(max(self.failures, 1), self.rng))
                continue
            if reply.status != 200:
                self._stop.wait(backoff_delay(max(self.failures, 1), self.rng, base=2.0))
                continue
            if reply.body["changed"] or reply.body["seq"] > since:
                since = reply.body["seq"]
                self.wake()
