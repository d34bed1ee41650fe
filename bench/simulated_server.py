"""The real server app on a simulated clock, for benchmarks that must not depend on the day they run:
`uvicorn --factory bench.simulated_server:create_app` with GOVHALL_SIMULATED_CLOCK set to what
shared.simulated_clock.SimulatedClock.to_text() gives (the devices in the benchmark share that clock)."""

from __future__ import annotations

import datetime as dt
import os

from fastapi import FastAPI

from server.main import create_app as create_server_app
from shared import simulated_clock


def create_app() -> FastAPI:
    text = os.environ.get("GOVHALL_SIMULATED_CLOCK")
    if not text:
        raise RuntimeError("GOVHALL_SIMULATED_CLOCK is not set (e.g. 2026-11-23T10:00+08:00@1795399200.0)")
    clock = simulated_clock.parse(text, dt.timezone.utc)
    return create_server_app(clock=lambda: clock().astimezone(dt.timezone.utc))
