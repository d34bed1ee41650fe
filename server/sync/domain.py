"""The sync domain (server/domain.py): the generic commands every other domain builds on; no jobs."""

from __future__ import annotations

from server.domain import Domain
from server.sync.commands import register_generic

DOMAIN = Domain("sync", register_generic)
