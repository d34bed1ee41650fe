"""The rating domain (server/domain.py): the 差评 loop's commands; no scheduled jobs (cards are worked out
when read, from the records' due days)."""

from __future__ import annotations

from server.domain import Domain
from server.rating import handlers

DOMAIN = Domain("rating", handlers.register)
