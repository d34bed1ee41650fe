"""tickets by phone number (手机号取号): the ticket's mobile number for its near-call SMS, sealed like the
appointment phone, with its blind index

Revision ID: 0025_ticket_phone
Revises: 0023_notice_service
Create Date: 2026-12-06 02:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import shared.db.base

# revision identifiers, used by Alembic.
revision: str = '0025_ticket_phone'
down_revision: Union[str, Sequence[str], None] = '0023_notice_service'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('queue_ticket_phone',
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('phone_sealed', sa.Text(), nullable=False),
    sa.Column('phone_index', sa.String(length=64), nullable=False),
    sa.Column('created_at', shared.db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_queue_ticket_phone_hall_id_hall')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_queue_ticket_phone'))
    )
    with op.batch_alter_table('queue_ticket_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_ticket_phone_phone_index'), ['phone_index'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('queue_ticket_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_ticket_phone_phone_index'))
    op.drop_table('queue_ticket_phone')
