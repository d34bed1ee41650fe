"""The client cache's sync tables (client-only; the server's own sync tables live in server/sync/models.py).
Confirmed rows (what the server said) and pending rows (optimistic effects of unsent or unconfirmed commands,
keyed by command id) are kept apart; readers see pending over confirmed."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Computed, Index, Integer, LargeBinary, String, Table, Text

from shared.db.base import Base

metadata = Base.metadata
EVENT_CASE = "CASE WHEN tbl = 'approval_event' THEN json_extract(row, '$.case_id') END"
TICKET_DAY = "CASE WHEN tbl = 'queue_ticket' THEN json_extract(row, '$.day') END"
RATED_TICKET = "CASE WHEN tbl = 'queue_rating' THEN json_extract(row, '$.ticket_id') END"

outbox = Table(
    "sync_outbox", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # per device, gap-free
    Column("command_id", String(36), nullable=False, unique=True),
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("args", JSON, nullable=False),
    Column("base", JSON),
    Column("hlc", String(64), nullable=False),
    Column("status", String(10), nullable=False, index=True),  # pending / accepted / rejected
    Column("attempts", Integer, nullable=False, default=0),
    Column("code", String(40)),
    Column("message", Text, nullable=False, default=""),
    Column("details", JSON),
    Column("result", JSON),
    Column("server_seq", BigInteger, nullable=False, default=0),
    Column("acknowledged", Boolean, nullable=False, default=False),  # the author has seen a rejection
)

confirmed = Table(
    "sync_confirmed", metadata,
    Column("tbl", String(40), primary_key=True),
    Column("pk", String(80), primary_key=True),
    Column("scope", String(40), nullable=False),  # no index: pull-apply is hot, a reset (a scan) is rare
    Column("seq", BigInteger, nullable=False),
    Column("row", JSON, nullable=False),
    # An approval event's case, computed by SQLite (never stored) so that a case's events are an index lookup.
    Column("case_id", String(36), Computed(EVENT_CASE, persisted=False)),
    # Rows changed since a given seq, read from the index alone (the client's incremental case index).
    Index("ix_sync_confirmed_seq", "tbl", "seq", "pk"),
    Index("ix_sync_confirmed_case", "case_id"),
    # A ticket's hall day and a rating's ticket (computed the same way): the statistics projection finds the
    # rows of the days it recomputes by index (client/services/queue_projection, migration 0012).
    Column("ticket_day", String(10), Computed(TICKET_DAY, persisted=False)),
    Column("rated_ticket", String(36), Computed(RATED_TICKET, persisted=False)),
    Index("ix_sync_confirmed_ticket_day", "ticket_day"),
    Index("ix_sync_confirmed_rating_ticket", "rated_ticket"),
)

pending = Table(
    "sync_pending", metadata,
    Column("command_id", String(36), primary_key=True),
    Column("tbl", String(40), primary_key=True),
    Column("pk", String(80), primary_key=True),
    Column("row", JSON),  # None: deleted locally
    Index("ix_sync_pending_key", "tbl", "pk"),
)

cursors = Table(
    "sync_cursor", metadata,
    Column("scope", String(40), primary_key=True),
    Column("cursor", BigInteger, nullable=False),
)

meta = Table(
    "sync_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

leases = Table(
    "sync_lease", metadata,
    Column("request_id", String(36), primary_key=True),  # written before the ask is sent
    Column("series", String(20), nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("day", String(10), nullable=False),
    Column("kind", String(8), nullable=False),  # live / reserve
    Column("size", Integer, nullable=False),
    Column("state", String(10), nullable=False),  # asked / granted / returning / returned
    Column("block_id", Integer),
    Column("first", Integer),
    Column("last", Integer),
    Column("next", Integer),  # next number to issue from the block
)

# Case attachments on this PC: the counter's files waiting to go up (after the 收件 command that declared them
# is accepted) and the approver's downloaded copies. The bytes are sealed files under the data folder
# (shared.attachments.sealed_file); the upload never waits in the outbox, so small commands keep flowing.
attachments = Table(
    "sync_attachment", metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False, index=True),
    Column("command_id", String(36)),  # the outbox command that declared it (uploads wait for its answer)
    Column("direction", String(4), nullable=False),  # up / down
    Column("ordinal", Integer, nullable=False, default=0),
    Column("material", String(200), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("mime", String(40), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("state", String(10), nullable=False, index=True),  # waiting / done / refused / abandoned
    Column("code", String(60)),
    Column("sent_bytes", BigInteger, nullable=False, default=0),  # chunk bytes put on the wire (resume figures)
    Column("local", String(200)),  # the sealed copy under the attachments folder, once it is here
)

# The queue statistics projection of the cache's rows, one row per hall day (shared/queue/projection facts),
# kept with the fingerprint of the rows it was computed from: recomputed when they change, never synced.
stats_queue_day = Table(
    "stats_queue_day", metadata,
    Column("day", String(10), primary_key=True),
    Column("fingerprint", String(200), nullable=False),
    Column("facts", Text, nullable=False),   # per grouping and the day's total: what a report reads
    Column("cells", Text, nullable=False),   # the day × business × window × clerk × hour cells themselves
)

# Catalogue materials' sample files (样表, shared.material_sample) fetched after a pull, by the SHA-256 their
# synced `material_sample` row names, so the counter opens them offline. Public forms: kept as they are.
material_sample_cache = Table(
    "material_sample_cache", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("mime", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# What the stored projection covers (client/services/queue_projection): one row, the cache's state when it was
# last brought up to date (the highest seq seen, the days' row counts, the days holding unsent rows).
stats_queue_mark = Table(
    "stats_queue_mark", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("mark", Text, nullable=False),
)

CLIENT_SYNC_TABLES = ("sync_outbox", "sync_confirmed", "sync_pending", "sync_cursor", "sync_meta", "sync_lease",
                      "sync_attachment", "stats_queue_day", "material_sample_cache", "stats_queue_mark")
