"""queue: the name given with a booking (预约人姓名), sealed like the appointment's ID number and phone, with
its masked form for the citizen's pages

Revision ID: 0038_booking_name
Revises: 0036_device_keys
Create Date: 2026-12-06 05:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0038_booking_name'
down_revision: Union[str, Sequence[str], None] = '0036_device_keys'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Bookings made before this revision have no name (none was kept)."""
    with op.batch_alter_table('queue_appointment') as batch:
        batch.add_column(sa.Column('name_sealed', sa.Text(), nullable=True))
        batch.add_column(sa.Column('masked_name', sa.String(length=30), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('queue_appointment') as batch:
        batch.drop_column('masked_name')
        batch.drop_column('name_sealed')
