"""一事一评 on the counter's evaluator: the case asked at each window

Revision ID: 0044_case_rating_ask
Revises: 0043_queue_stats_day
Create Date: 2026-12-06 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.db.base import UtcDateTime


revision: str = '0044_case_rating_ask'
down_revision: Union[str, Sequence[str], None] = '0043_queue_stats_day'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('case_rating_ask',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('ask_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('asked_by', sa.String(length=50), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('rating_id', sa.String(length=36), nullable=True),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_case_rating_ask_hall_id_hall')),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], name=op.f('fk_case_rating_ask_window_id_window')),
    sa.PrimaryKeyConstraint('window_id', name=op.f('pk_case_rating_ask'))
    )
    with op.batch_alter_table('case_rating_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_rating_ask_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_rating_ask_hall_id'), ['hall_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_rating_ask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_rating_ask_hall_id'))
        batch_op.drop_index(batch_op.f('ix_case_rating_ask_case_id'))
    op.drop_table('case_rating_ask')
