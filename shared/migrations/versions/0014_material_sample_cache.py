"""client cache: catalogue materials' sample files (样表) fetched after a pull, by SHA-256

Revision ID: 0014_material_sample_cache
Revises: 0012_stats_queue_mark
Create Date: 2026-12-06 08:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014_material_sample_cache'
down_revision: Union[str, Sequence[str], None] = '0012_stats_queue_mark'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Empty: the next pass after a pull fetches the samples the synced rows name."""
    op.create_table('material_sample_cache',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_material_sample_cache'))
    )


def downgrade() -> None:
    op.drop_table('material_sample_cache')
