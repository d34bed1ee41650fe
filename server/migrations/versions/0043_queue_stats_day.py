"""queue statistics projection on the server: per hall day facts (shared/queue/projection) and the change-log
cursor they are up to date with

Revision ID: 0043_queue_stats_day
Revises: 0041_material_sample_files
Create Date: 2026-12-06 08:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0043_queue_stats_day'
down_revision: Union[str, Sequence[str], None] = '0041_material_sample_files'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Empty: each hall's days are computed at its first statistics request."""
    op.create_table('queue_stats_day',
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_queue_stats_day_hall_id_hall')),
    sa.PrimaryKeyConstraint('hall_id', 'day', name=op.f('pk_queue_stats_day'))
    )
    op.create_table('queue_stats_cursor',
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_queue_stats_cursor_hall_id_hall')),
    sa.PrimaryKeyConstraint('hall_id', name=op.f('pk_queue_stats_cursor'))
    )


def downgrade() -> None:
    op.drop_table('queue_stats_cursor')
    op.drop_table('queue_stats_day')
