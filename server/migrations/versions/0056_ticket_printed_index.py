"""queue: an index that finds a printed number by (day, display)

Revision ID: 0056_ticket_printed_index
Revises: 0055_ticket_window_index
Create Date: 2026-12-06 14:15:00

Every push of `queue.issue` asks which of its numbers are already printed (server/queue/issue_batch.py
`_PRINTED`: `(day, display) IN (...)`). The unique constraint leads with hall_id, so that question read every
ticket the server ever issued: `bench.load`'s single-command rate fell run after run, 238.6 → 118.1 per s over
24,000 tickets (issue 19). This index answers it from the entries of those numbers alone.
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0056_ticket_printed_index'
down_revision: Union[str, Sequence[str], None] = '0055_ticket_window_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_queue_ticket_day_display", "queue_ticket", ["day", "display"])


def downgrade() -> None:
    op.drop_index("ix_queue_ticket_day_display", table_name="queue_ticket")
