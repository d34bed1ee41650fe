"""Workflow definitions as the server published them: every version of every (item, situation), read from the
synced `approval_definition` rows through the shared codec (shared.approval.definition_rows) — the same bodies
the server's decider parses. There is no local default: an item whose definitions have not synced yet cannot be
accepted offline (UnknownDefinition), rather than follow a step list the server might not.

Staff act in the step roles their login holds (reviewer, verifier, head, licence_officer …), exactly as the
server derives the actor — there is no client-side role map."""

from __future__ import annotations

import threading

from shared.approval.definition_rows import DEFINITION_TABLE, definition_from_dict
from shared.approval.registry import DefinitionCatalogue
from shared.sync.client import SyncClient


class PublishedDefinitions(DefinitionCatalogue):
    """The published versions in the cache, topped up after every pull that brought rows: a version the admin
    publishes is used by the next case accepted here. Versions are immutable, so only new keys are parsed."""

    def __init__(self, sync: SyncClient) -> None:
        super().__init__()
        self._sync = sync
        self._lock = threading.Lock()
        self.reload()
        sync.on_pulled(lambda _changes: self.reload())

    def reload(self) -> int:
        """Add the versions synced since the last read; returns how many."""
        rows = self._sync.confirmed(DEFINITION_TABLE)
        with self._lock:
            known = {"|".join(map(str, key)) for key in self._by_key}
            fresh = [definition_from_dict(row["body"]) for pk, row in rows.items() if pk not in known]
            if fresh:  # built aside and swapped in: a reader on another thread never sees a half-filled dict
                self._by_key = DefinitionCatalogue([*self._by_key.values(), *fresh])._by_key
        return len(fresh)
