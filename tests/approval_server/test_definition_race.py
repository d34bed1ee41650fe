"""Two server processes starting at once on one PostgreSQL both seed the catalogue's version 1 definitions
(server/sync/reference.py publishes the reference rows at start-up). The second insert of the same version
must not fail its unit of work: the row is made from the catalogue alone, so the first one's is the same
(bench.load --workers 2 logged a UniqueViolation here, issue 19)."""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import delete, func, select

from server.approval import definitions
from server.approval.models import ApprovalDefinition
from shared.db.models import ServiceItem, Situation

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)


def test_two_units_seeding_the_same_version_one_both_succeed_and_keep_one_row(database) -> None:  # noqa: ANN001
    with database.session() as s:
        item, situation = s.execute(select(ServiceItem.code, Situation.code).join(Situation.item)
                                    .order_by(ServiceItem.code, Situation.code)).first()
        s.execute(delete(ApprovalDefinition).where(ApprovalDefinition.item_code == item,
                                                   ApprovalDefinition.situation_code == situation))
    first = database.sessions()
    first.begin()
    definitions.ensure_default(first, item, situation, NOW)  # inserted, not yet committed
    outcome: dict = {}

    def second_process() -> None:
        try:
            with database.session() as s:
                outcome["created"] = definitions.seed_defaults(s, NOW)
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcome["error"] = exc

    other = threading.Thread(target=second_process)
    other.start()
    time.sleep(0.5)  # PostgreSQL: the second insert now waits on the first one's row; SQLite: on the write lock
    first.commit()
    first.close()
    other.join(timeout=30)
    assert outcome == {"created": 0}, outcome
    with database.read_session() as s:
        assert s.scalar(select(func.count()).select_from(ApprovalDefinition).where(
            ApprovalDefinition.item_code == item, ApprovalDefinition.situation_code == situation)) == 1
