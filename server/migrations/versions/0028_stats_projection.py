"""statistics projection: one row per case with its share of every 查询统计 figure

Revision ID: 0028_stats_projection
Revises: 0027_archive
Create Date: 2026-12-06 02:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0028_stats_projection'
down_revision: Union[str, Sequence[str], None] = '0027_archive'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FLAGS = ('accepted', 'not_accepted', 'granted', 'refused', 'closed', 'withdrawn', 'terminated', 'in_progress',
         'overdue')


def upgrade() -> None:
    """Upgrade schema. Empty: the rows are built on first use (and kept fresh by the nightly job)."""
    op.create_table('stats_case',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('calendar_key', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('year', sa.String(length=4), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('town', sa.String(length=50), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in FLAGS],
    sa.Column('cycle_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['approval_case.id'], name=op.f('fk_stats_case_case_id_approval_case')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_stats_case_hall_id_hall')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_stats_case'))
    )
    with op.batch_alter_table('stats_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_case_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_case_received_on'), ['received_on'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('stats_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_case_received_on'))
        batch_op.drop_index(batch_op.f('ix_stats_case_hall_id'))
    op.drop_table('stats_case')
