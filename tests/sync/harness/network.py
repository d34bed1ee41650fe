"""A simulated network between the clients' transports and the real server app (called in process): it drops
requests, drops responses after the server committed, duplicates, delays (delivering later, out of order)
and partitions, every decision taken by a seeded random.Random so a run replays from its seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from shared.sync.transport import Reply, TransportError


@dataclass
class Faults:
    drop_request: float = 0.05
    drop_response: float = 0.05
    duplicate: float = 0.05
    delay: float = 0.05
    deliver_late: float = 0.3  # chance, per request, that one delayed request is delivered first

    @classmethod
    def none(cls) -> Faults:
        return cls(0, 0, 0, 0, 0)


@dataclass
class SimNetwork:
    http: TestClient
    rng: random.Random
    faults: Faults = field(default_factory=Faults)
    partitioned: set[str] = field(default_factory=set)
    delayed: list[tuple[str, str, dict]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def transport(self, name: str) -> SimTransport:
        return SimTransport(self, name)

    def _deliver(self, method: str, path: str, kwargs: dict) -> Reply:
        response = self.http.request(method, path, **kwargs)
        return Reply(response.status_code, response.json())

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def deliver_delayed(self, how_many: int | None = None) -> None:
        """Late arrivals: their answers go nowhere (the client gave up on them long ago)."""
        n = len(self.delayed) if how_many is None else min(how_many, len(self.delayed))
        for _ in range(n):
            method, path, kwargs = self.delayed.pop(self.rng.randrange(len(self.delayed)))
            self._deliver(method, path, kwargs)
            self._count("late")

    def send(self, name: str, method: str, path: str, kwargs: dict) -> Reply:
        f = self.faults
        if name in self.partitioned:
            self._count("partitioned")
            raise TransportError(f"{name} is partitioned")
        if self.delayed and self.rng.random() < f.deliver_late:
            self.deliver_delayed(1)
        roll = self.rng.random()
        if roll < f.drop_request:
            self._count("drop_request")
            raise TransportError("request lost")
        if roll < f.drop_request + f.delay:
            self.delayed.append((method, path, kwargs))
            self._count("delay")
            raise TransportError("timed out (request still in flight)")
        reply = self._deliver(method, path, kwargs)
        if self.rng.random() < f.duplicate:
            self._count("duplicate")
            reply = self._deliver(method, path, kwargs) if self.rng.random() < 0.5 else reply
            if self.rng.random() < 0.5:
                self._deliver(method, path, kwargs)
        if self.rng.random() < f.drop_response:
            self._count("drop_response")
            raise TransportError("response lost after the server committed")
        return reply


@dataclass
class SimTransport:
    net: SimNetwork
    name: str

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                headers: dict | None = None, timeout: float = 10.0) -> Reply:
        kwargs = {"params": params, "json": json, "headers": headers}
        return self.net.send(self.name, method, path, kwargs)
