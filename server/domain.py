"""A server domain — sync's generic commands, the queue, approval — is its sync commands and its scheduled
jobs, registered one way: `commands(registry)` adds CommandSpecs (which own savepoints and the mapping of the
domain's errors), `jobs(scheduler, state)` adds jobs (`state` is the app's state, for what a job sends
through). server/main.py lists the domains once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from server.scheduler import Scheduler
from server.sync.registry import Registry


def no_jobs(scheduler: Scheduler, state: Any) -> None:
    """A domain without scheduled jobs."""


@dataclass(frozen=True)
class Domain:
    name: str
    commands: Callable[[Registry], None]
    jobs: Callable[[Scheduler, Any], None] = no_jobs


def registry_of(domains: Iterable[Domain]) -> Registry:
    registry = Registry()
    for domain in domains:
        domain.commands(registry)
    return registry


def schedule(domains: Iterable[Domain], scheduler: Scheduler, state: Any) -> None:
    for domain in domains:
        domain.jobs(scheduler, state)
