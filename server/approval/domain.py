"""The approval domain (server/domain.py): every `approval.*` command, the daily Art. 32 sweep and
the hourly 临近时限 alerts."""

from __future__ import annotations

from server.approval import art32_sweep, handlers, near_due_alerts, stats_projection
from server.domain import Domain
from server.scheduler import Scheduler


def jobs(scheduler: Scheduler, state: object) -> None:
    art32_sweep.register(scheduler, state)
    near_due_alerts.register(scheduler)
    stats_projection.register(scheduler)


DOMAIN = Domain("approval", handlers.register, jobs)
