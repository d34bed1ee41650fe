"""catalogue: a material's sample (样表/示例) — a note and a sample file name

Revision ID: 0031_material_samples
Revises: 0029_licence_cases
Create Date: 2026-12-06 03:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0031_material_samples'
down_revision: Union[str, Sequence[str], None] = '0029_licence_cases'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Materials listed before this revision have no sample."""
    with op.batch_alter_table('material') as batch:
        batch.add_column(sa.Column('sample_note', sa.String(length=500), nullable=False, server_default=''))
        batch.add_column(sa.Column('sample_file', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('material') as batch:
        batch.drop_column('sample_file')
        batch.drop_column('sample_note')
