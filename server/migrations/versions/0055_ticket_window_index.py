"""The tickets a window has called or serves, by index (every call asks which they are)

Revision ID: 0055_ticket_window_index
Revises: 0053_ticket_quota_index
Create Date: 2026-12-06 12:40:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0055_ticket_window_index'
down_revision: Union[str, Sequence[str], None] = '0053_ticket_quota_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_queue_ticket_window_state', 'queue_ticket', ['window_id', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_queue_ticket_window_state', table_name='queue_ticket')
