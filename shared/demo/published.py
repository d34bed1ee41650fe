"""A demo cache with no server behind it gets the rows the server would publish for the demo catalogue: every
situation's version 1 (shared.approval.definition_rows.default_for, the function the server seeds with),
written as synced `approval_definition` rows at seq 0 — the first real sync replaces them."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from shared.approval.definition_rows import DEFINITION_TABLE, definition_key, definition_row
from shared.approval_catalogue import default_for
from shared.db.models import Hall, Situation
from shared.sync import store

LOCAL_SEQ = 0  # below any seq the server hands out


def publish_demo_definitions(engine: Engine) -> int:
    """Write version 1 of every cached situation that has no synced definition yet; returns how many."""
    with Session(engine) as session:
        hall_id = session.scalar(select(Hall.id).order_by(Hall.id))
        scope = f"hall:{hall_id}"
        changes = []
        for situation in session.scalars(select(Situation).order_by(Situation.id)):
            d = default_for(situation)
            changes.append({"table": DEFINITION_TABLE, "pk": definition_key(d.item_code, d.situation_code, 1),
                            "op": "upsert", "scope": scope, "seq": LOCAL_SEQ, "row": definition_row(d)})
    with engine.begin() as conn:
        held = set(store.confirmed_rows(conn, DEFINITION_TABLE))
        fresh = [ch for ch in changes if ch["pk"] not in held]
        store.apply_changes(conn, fresh)
    return len(fresh)
