"""approval: a cache version for the working-day calendar

Revision ID: 0059_calendar_version
Revises: 0058_definitions_version
Create Date: 2026-12-07 02:40:00

Every to-do list, case search and case page works out its deadlines on the working-day calendar, and read it
whole each time (every override and published year, shared/calendar.py): 5 % of the server's time under
bench.load --staff (issue 19). A `cache_version` row, replaced by triggers on every write to the two tables
as 0046's and 0058's are, lets a process keep the calendar and check it with one small query.
"""
import random
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0059_calendar_version'
down_revision: Union[str, Sequence[str], None] = '0058_definitions_version'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NAME = "calendar"
WATCHED = [(NAME, "calendar_override", None), (NAME, "calendar_year", None)]  # read by tests/unit/test_cache_versions.py
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
