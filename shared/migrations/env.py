"""Alembic environment for a client's SQLite cache. Run through shared.db.cache.open_cache."""

from alembic import context

import shared.db.models  # noqa: F401
import shared.sync.tables  # noqa: F401  (the client's sync tables)
from shared.db.base import Base
from shared.db.migrate import render_item

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("client cache migrations run through shared.db.cache.open_cache")

# Only the tables a client keeps: reference data (and later the sync tables), never server-only ones.
# The sync tables of the server (server/sync/models.py) are named here because shared/ may not import server/.
SERVER_ONLY = {"auth_token", "audit_entry", "sync_device", "command_log", "change_log", "sync_counter", "scope_floor",
               "sync_fact", "sync_entity", "number_series", "number_block", "issued_number",
               # server/queue/models.py
               "queue_ticket", "queue_call", "queue_window_state", "queue_rating", "queue_hall_rules",
               "queue_appointment", "queue_notification",
               # server/approval/models.py
               "approval_definition", "approval_case", "approval_event", "approval_material", "registry_company",
               "registry_person",
               # server/store/models.py
               "staff_pin",
               # server/devices/models.py
               "device_health", "hall_notice", "notice_settings",
               # server/rating/models.py
               "rating_rectification", "case_rating",
               # server/attachments/models.py
               "case_attachment", "case_attachment_chunk",
               # server/licences/models.py
               "licence", "licence_rule", "licence_sequence"}
CLIENT_TABLES = set(Base.metadata.tables) - SERVER_ONLY


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    return type_ != "table" or name in CLIENT_TABLES


context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, render_item=render_item,
                  include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
