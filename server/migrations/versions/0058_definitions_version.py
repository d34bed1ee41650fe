"""approval: a cache version for the workflow definitions

Revision ID: 0058_definitions_version
Revises: 0057_change_log_key_seq
Create Date: 2026-12-06 19:10:00

Every to-do list, case search, case page and notice needs the parsed definitions of its cases. Each request
read the identity of every definition row to check its parsed copies (server/approval/cache.py): 15 % of the
server's CPU under bench.load --staff (issue 19). A `cache_version` row, replaced by triggers on every write
to `approval_definition` as migration 0046's are, lets a process keep the whole set and check it with the one
small query every request already makes (server/store/versions.py).
"""
import random
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0058_definitions_version'
down_revision: Union[str, Sequence[str], None] = '0057_change_log_key_seq'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NAME, TABLE = "definitions", "approval_definition"
WATCHED = [(NAME, TABLE, None)]  # read by tests/unit/test_cache_versions.py, as 0046's list is
EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    table = sa.table("cache_version", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(table, [{"name": NAME, "value": random.SystemRandom().randrange(1, 2**62)}])
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event in EVENTS:
        if postgresql:  # the function made by 0046
            op.execute(f'CREATE TRIGGER cv_{TABLE}_{event} AFTER {event.upper()} ON "{TABLE}" FOR EACH STATEMENT '
                       f"EXECUTE FUNCTION cache_version_bump('{NAME}')")
        else:
            op.execute(f'CREATE TRIGGER cv_{TABLE}_{event} AFTER {event.upper()} ON "{TABLE}" '
                       f"BEGIN UPDATE cache_version SET value = random() WHERE name = '{NAME}'; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event in EVENTS:
        op.execute(f'DROP TRIGGER IF EXISTS cv_{TABLE}_{event}' + (f' ON "{TABLE}"' if postgresql else ""))
    op.execute(f"DELETE FROM cache_version WHERE name = '{NAME}'")
