"""client cache: a hall's public base URL (公网地址), synced with the hall so a dispenser prints its tickets'
follow QR under it

Revision ID: 0009_citizens
Revises: 0005_material_samples
Create Date: 2026-12-06 05:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009_citizens'
down_revision: Union[str, Sequence[str], None] = '0005_material_samples'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Halls cached before this revision have no public URL until the next sync brings it."""
    with op.batch_alter_table('hall') as batch:
        batch.add_column(sa.Column('public_url', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('hall') as batch:
        batch.drop_column('public_url')
