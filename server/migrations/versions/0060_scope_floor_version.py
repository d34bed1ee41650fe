"""sync: a cache version for the scopes' floors

Revision ID: 0060_scope_floor_version
Revises: 0059_calendar_version
Create Date: 2026-12-07 16:00:00

Every pull that reads changes checks each asked scope's floor (the highest cursor compaction dropped) with a
query of its own: 1.5 of a woken device's 6.75 statements and about a sixth of its pull's CPU (issue 19). Floors
move only when the log is compacted, so a `cache_version` row, replaced by triggers on every write to
`scope_floor` as 0046's, 0058's and 0059's are, lets a process keep them and check them with the versions a
request reads anyway.
"""
import random
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0060_scope_floor_version'
down_revision: Union[str, Sequence[str], None] = '0059_calendar_version'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NAME = "scope_floor"
WATCHED = [(NAME, "scope_floor", None)]  # read by tests/unit/test_cache_versions.py
EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    table = sa.table("cache_version", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(table, [{"name": NAME, "value": random.SystemRandom().randrange(1, 2**62)}])
    postgresql = op.get_bind().dialect.name == "postgresql"
    for _, watched, _ in WATCHED:
        for event in EVENTS:
            if postgresql:  # the function made by 0046
                op.execute(f'CREATE TRIGGER cv_{watched}_{event} AFTER {event.upper()} ON "{watched}" '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('{NAME}')")
            else:
                op.execute(f'CREATE TRIGGER cv_{watched}_{event} AFTER {event.upper()} ON "{watched}" '
                           f"BEGIN UPDATE cache_version SET value = random() WHERE name = '{NAME}'; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for _, watched, _ in WATCHED:
        for event in EVENTS:
            op.execute(f'DROP TRIGGER IF EXISTS cv_{watched}_{event}' + (f' ON "{watched}"' if postgresql else ""))
    op.execute(f"DELETE FROM cache_version WHERE name = '{NAME}'")
