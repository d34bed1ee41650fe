"""client cache: confirmed rows by (tbl, seq) for incremental reads; approval events by case id

Revision ID: 0003_client_case_indexes
Revises: 0002_sync_client
Create Date: 2026-11-22 03:55:00

The desktop client's case index reads only the rows changed since its last build (seq above the last one it
read), and opening a case reads that case's events: both were full scans of the confirmed rows. The case id is
a VIRTUAL generated column (computed on read and for the index; SQLite can add one with ALTER TABLE).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003_client_case_indexes'
down_revision: Union[str, Sequence[str], None] = '0002_sync_client'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

EVENT_CASE = "CASE WHEN tbl = 'approval_event' THEN json_extract(row, '$.case_id') END"


def upgrade() -> None:
    op.add_column('sync_confirmed', sa.Column('case_id', sa.String(length=36),
                                              sa.Computed(EVENT_CASE, persisted=False), nullable=True))
    op.create_index('ix_sync_confirmed_seq', 'sync_confirmed', ['tbl', 'seq', 'pk'], unique=False)
    op.create_index('ix_sync_confirmed_case', 'sync_confirmed', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sync_confirmed_case', table_name='sync_confirmed')
    op.drop_index('ix_sync_confirmed_seq', table_name='sync_confirmed')
    op.drop_column('sync_confirmed', 'case_id')
