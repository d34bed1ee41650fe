"""`python -m server verify-audit`: walk the audit chain and report its first broken link (exit 1), or how
many rows it checked (exit 0)."""

from __future__ import annotations

import sys

from server.store.audit_chain import verify
from server.store.database import Database


def run(database: Database) -> int:
    with database.read_session() as session:
        verdict = verify(session, database.audit_key)
    if verdict.intact:
        print(f"audit chain intact: {verdict.checked} rows checked")
        return 0
    print(f"audit chain BROKEN at row {verdict.broken_at}: {verdict.reason} "
          f"({verdict.checked} rows verified before it)", file=sys.stderr)
    return 1
