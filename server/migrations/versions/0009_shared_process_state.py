"""server: state every server process shares: scheduled job runs (server_job), booking requests per client
(queue_booking_request)

Revision ID: 0009_shared_process_state
Revises: 0007_keypad_staff_pin
Create Date: 2026-12-05 01:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009_shared_process_state'
down_revision: Union[str, Sequence[str], None] = '0007_keypad_staff_pin'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'server_job',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('last_run', sa.DateTime(timezone=True), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('ran_by', sa.String(length=128), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_server_job')),
    )
    op.create_table(
        'queue_booking_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=80), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_booking_request')),
    )
    op.create_index('ix_queue_booking_request_at', 'queue_booking_request', ['at'])
    op.create_index('ix_queue_booking_request_client_at', 'queue_booking_request', ['client', 'at'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('queue_booking_request')
    op.drop_table('server_job')
