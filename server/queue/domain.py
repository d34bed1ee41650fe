"""The queue domain (server/domain.py): the commands of shared/protocol/queue.py and the queue's jobs."""

from __future__ import annotations

from server.domain import Domain
from server.queue import commands, jobs

DOMAIN = Domain("queue", commands.register, jobs.register)
