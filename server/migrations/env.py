"""Alembic environment for the server database (SQLite or PostgreSQL). Run through shared.db.migrate."""

from alembic import context

import server.approval.models  # noqa: F401  (server-only approval tables)
import server.store.models  # noqa: F401  (registers server-only tables)
import server.sync.models  # noqa: F401  (server-only sync tables)
import server.queue.models  # noqa: F401  (server-only queue tables)
import server.devices.models  # noqa: F401  (server-only device health and hall notice)
import server.notify.models  # noqa: F401  (the notification outbox and opt-outs)
import server.rating.models  # noqa: F401  (server-only rectification records and case ratings)
import server.attachments.models  # noqa: F401  (case attachments and their chunks)
import server.licences.models  # noqa: F401  (the licence register, its numbering rules and counters)
import server.archive.models  # noqa: F401  (the electronic archive of finished cases)
import shared.db.models  # noqa: F401
from shared.db.base import Base
from shared.db.migrate import render_item
from shared.sync.tables import CLIENT_SYNC_TABLES

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `python -m server migrate`")



def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    return type_ != "table" or name not in CLIENT_SYNC_TABLES  # a client cache's own tables


context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, render_item=render_item,
                  compare_type=True, include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
