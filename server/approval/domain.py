"""The approval domain (server/domain.py): every `approval.*` command and the daily Art. 32 sweep."""

from __future__ import annotations

from server.approval import art32_sweep, handlers
from server.domain import Domain

DOMAIN = Domain("approval", handlers.register, art32_sweep.register)
