"""org: a hall's public base URL (公网地址) for the ticket's follow QR and provisioning ("" = the LAN address)

Revision ID: 0039_public_address
Revises: 0038_booking_name
Create Date: 2026-12-06 05:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0039_public_address'
down_revision: Union[str, Sequence[str], None] = '0038_booking_name'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Halls made before this revision keep the server's own address."""
    with op.batch_alter_table('hall') as batch:
        batch.add_column(sa.Column('public_url', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('hall') as batch:
        batch.drop_column('public_url')
