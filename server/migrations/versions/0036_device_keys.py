"""device keys: a workstation's notice signing key (SM2) registered with the device, not at its first 送达

Revision ID: 0036_device_keys
Revises: 0034_admin_devices
Create Date: 2026-12-06 05:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.db.base import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0036_device_keys'
down_revision: Union[str, Sequence[str], None] = '0034_admin_devices'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # registered_at: set when the key came with the device's registration; first_used_at stays empty until
    # its first 送达 (keys bound at first use, as before, have it and no registered_at)
    with op.batch_alter_table('notice_signing_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', UtcDateTime(), nullable=True))
        batch_op.alter_column('first_used_at', existing_type=UtcDateTime(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE notice_signing_key SET first_used_at = registered_at WHERE first_used_at IS NULL")
    with op.batch_alter_table('notice_signing_key', schema=None) as batch_op:
        batch_op.alter_column('first_used_at', existing_type=UtcDateTime(), nullable=False)
        batch_op.drop_column('registered_at')
