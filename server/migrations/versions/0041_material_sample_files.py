"""catalogue: a material's sample file (样表) — its record; the bytes are sealed in the attachment store

Revision ID: 0041_material_sample_files
Revises: 0039_public_address
Create Date: 2026-12-06 08:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0041_material_sample_files'
down_revision: Union[str, Sequence[str], None] = '0039_public_address'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Materials have no sample file until an admin uploads one."""
    op.create_table('material_sample_file',
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['material.id'], name=op.f('fk_material_sample_file_material_id_material')),
    sa.PrimaryKeyConstraint('material_id', name=op.f('pk_material_sample_file'))
    )


def downgrade() -> None:
    op.drop_table('material_sample_file')
