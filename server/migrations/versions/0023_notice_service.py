"""notices: the SM2 public keys notices are signed with, each bound to one device (送达 records carry them)

Revision ID: 0023_notice_service
Revises: 0022_licences
Create Date: 2026-12-06 02:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.db.base import UtcDateTime


# revision identifiers, used by Alembic.
revision: str = '0023_notice_service'
down_revision: Union[str, Sequence[str], None] = '0022_licences'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('notice_signing_key',
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('first_used_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_notice_signing_key'))
    )
    with op.batch_alter_table('notice_signing_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_signing_key_device_id'), ['device_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notice_signing_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_signing_key_device_id'))
    op.drop_table('notice_signing_key')
