"""`python -m server verify-audit`: walk the audit chain and report its first broken link (exit 1), or how
many rows it checked (exit 0). Rows from before the chain are reported apart: anchored ones (verified as they
were when anchored) and any that no anchor covers (not verified)."""

from __future__ import annotations

import sys

from server.store.audit_chain import verify
from server.store.database import Database


def run(database: Database) -> int:
    with database.read_session() as session:
        verdict = verify(session, database.audit_key)
    if verdict.anchored:
        print(f"{verdict.anchored} of the rows were written before the chain existed; chained on "
              f"{verdict.anchored_at:%Y-%m-%d %H:%M} UTC, they are verified as they were then, not as first written")
    if verdict.unchained:
        print(f"{verdict.unchained} rows written before the chain existed are not chained (no anchor): "
              "NOT verified", file=sys.stderr)
    if verdict.intact:
        print(f"audit chain intact: {verdict.checked} rows checked")
        return 0
    print(f"audit chain BROKEN at row {verdict.broken_at}: {verdict.reason} "
          f"({verdict.checked} rows verified before it)", file=sys.stderr)
    return 1
