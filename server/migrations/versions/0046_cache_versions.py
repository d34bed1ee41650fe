"""sync: cache versions (hall configuration, device tokens), replaced by triggers on every write to their tables

Revision ID: 0046_cache_versions
Revises: 0044_case_rating_ask
Create Date: 2026-12-06 08:50:00

A server process keeps a hall's queue configuration and the verified device tokens between requests and checks
one row of `cache_version` per request (server/store/versions.py). Triggers replace that row's value on every
write to the tables the cache is made of, whichever process, job, migration or SQL console writes, so a change
through one process is seen by the next request through any other. The value is random, not a counter: a value
seen inside a transaction that then rolled back is never reused.

SQLite drops a table's triggers when a later migration rebuilds the table (batch_alter_table): such a migration
must create them again (tests/unit/test_cache_versions.py checks that every trigger is there at head).
"""
import random
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0046_cache_versions'
down_revision: Union[str, Sequence[str], None] = '0044_case_rating_ask'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (version row, table, columns an UPDATE must change to count — None: any update counts)
CONFIG_TABLES = ("business", "quota", "window", "window_business", "queue_hall_rules")
WATCHED = ([("hall_config", t, None) for t in CONFIG_TABLES]
           + [("device_token", "sync_device", ("token_hash", "revoked_at")),
              ("device_token", "device", ("hall_id", "kind", "window_id", "active"))])
EVENTS = ("insert", "update", "delete")


def _sqlite(name: str, table: str, columns, event: str) -> str:  # noqa: ANN001
    of, when = "", ""
    if event == "update" and columns:
        of = " OF " + ", ".join(columns)
        when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    return (f'CREATE TRIGGER cv_{table}_{event} AFTER {event.upper()}{of} ON "{table}"{when} '
            f"BEGIN UPDATE cache_version SET value = random() WHERE name = '{name}'; END")


def _postgresql(name: str, table: str, columns, event: str) -> str:  # noqa: ANN001
    if event == "update" and columns:
        when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        return (f'CREATE TRIGGER cv_{table}_{event} AFTER UPDATE ON "{table}" FOR EACH ROW WHEN ({when}) '
                f"EXECUTE FUNCTION cache_version_bump('{name}')")
    return (f'CREATE TRIGGER cv_{table}_{event} AFTER {event.upper()} ON "{table}" FOR EACH STATEMENT '
            f"EXECUTE FUNCTION cache_version_bump('{name}')")


def upgrade() -> None:
    table = op.create_table('cache_version',
                            sa.Column('name', sa.String(length=20), nullable=False),
                            sa.Column('value', sa.BigInteger(), nullable=False),
                            sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_version')))
    start = random.SystemRandom()
    op.bulk_insert(table, [{"name": n, "value": start.randrange(1, 2**62)} for n in ("hall_config", "device_token")])
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE OR REPLACE FUNCTION cache_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "UPDATE cache_version SET value = floor(random() * 4611686018427387903)::bigint "
                   "WHERE name = TG_ARGV[0]; RETURN NULL; END $$")
    for name, watched, columns in WATCHED:
        for event in EVENTS:
            if event == "insert" and watched in ("sync_device", "device"):
                continue  # a new device's token is not cached before it is used
            op.execute((_postgresql if postgresql else _sqlite)(name, watched, columns, event))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for _, watched, _ in WATCHED:
        for event in EVENTS:
            op.execute(f'DROP TRIGGER IF EXISTS cv_{watched}_{event}' + (f' ON "{watched}"' if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS cache_version_bump()")
    op.drop_table('cache_version')
