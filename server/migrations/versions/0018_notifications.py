"""notifications: the outbox (SMS to citizens, tray alerts to staff), the opt-out list, and the phone number
on appointments (sealed like the ID number).

Revision ID: 0018_notifications
Revises: 0017_security_gaps
Create Date: 2026-12-05 22:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import shared.db.base

# revision identifiers, used by Alembic.
revision: str = '0018_notifications'
down_revision: Union[str, Sequence[str], None] = '0017_security_gaps'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None



def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('phone_sealed', sa.Text(), nullable=True),
    sa.Column('phone_index', sa.String(length=64), nullable=False),
    sa.Column('phone_masked', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', shared.db.base.UtcDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('gateway', sa.String(length=10), nullable=False),
    sa.Column('gateway_msg_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', shared.db.base.UtcDateTime(), nullable=False),
    sa.Column('sent_at', shared.db.base.UtcDateTime(), nullable=True),
    sa.Column('delivered_at', shared.db.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_notification_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_dedupe_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_notification_phone_sent', ['phone_index', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_gateway_msg_id'), ['gateway_msg_id'], unique=False)
    op.create_table('notification_opt_out',
    sa.Column('phone_index', sa.String(length=64), nullable=False),
    sa.Column('phone_masked', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('by', sa.String(length=50), nullable=False),
    sa.Column('at', shared.db.base.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('phone_index', name=op.f('pk_notification_opt_out'))
    )
    with op.batch_alter_table('queue_appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_sealed', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_appointment', schema=None) as batch_op:
        batch_op.drop_column('phone_sealed')
    op.drop_table('notification_opt_out')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_gateway_msg_id'))
        batch_op.drop_index('ix_notification_phone_sent')
        batch_op.drop_index('ix_notification_due')
    op.drop_table('notification')
