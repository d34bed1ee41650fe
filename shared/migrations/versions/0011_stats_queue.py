"""client cache: the queue statistics projection (one row of facts per hall day, shared/queue/projection)

Revision ID: 0011_stats_queue
Revises: 0009_citizens
Create Date: 2026-12-06 05:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011_stats_queue'
down_revision: Union[str, Sequence[str], None] = '0009_citizens'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Empty: the statistics screen fills it on first use."""
    op.create_table('stats_queue_day',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('cells', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_stats_queue_day'))
    )


def downgrade() -> None:
    op.drop_table('stats_queue_day')
