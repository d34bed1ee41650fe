"""client cache: the queue statistics projection kept fresh in the background (a mark of what it covers, and
indexes that find a day's tickets and a ticket's ratings without reading every row)

Revision ID: 0012_stats_queue_mark
Revises: 0011_stats_queue
Create Date: 2026-12-06 08:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012_stats_queue_mark'
down_revision: Union[str, Sequence[str], None] = '0011_stats_queue'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


TICKET_DAY = "CASE WHEN tbl = 'queue_ticket' THEN json_extract(row, '$.day') END"
RATED_TICKET = "CASE WHEN tbl = 'queue_rating' THEN json_extract(row, '$.ticket_id') END"


def upgrade() -> None:
    """Empty: the workstation fills it after its next pull."""
    op.create_table('stats_queue_mark',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('mark', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_queue_mark'))
    )
    # VIRTUAL generated columns (as 0003's case_id): computed on read and for their index, never stored
    op.add_column('sync_confirmed', sa.Column('ticket_day', sa.String(length=10),
                                              sa.Computed(TICKET_DAY, persisted=False), nullable=True))
    op.add_column('sync_confirmed', sa.Column('rated_ticket', sa.String(length=36),
                                              sa.Computed(RATED_TICKET, persisted=False), nullable=True))
    op.create_index('ix_sync_confirmed_ticket_day', 'sync_confirmed', ['ticket_day'], unique=False)
    op.create_index('ix_sync_confirmed_rating_ticket', 'sync_confirmed', ['rated_ticket'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sync_confirmed_rating_ticket', table_name='sync_confirmed')
    op.drop_index('ix_sync_confirmed_ticket_day', table_name='sync_confirmed')
    op.drop_column('sync_confirmed', 'rated_ticket')
    op.drop_column('sync_confirmed', 'ticket_day')
    op.drop_table('stats_queue_mark')
