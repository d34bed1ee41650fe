"""client cache: case attachments waiting to upload and downloaded copies (sync_attachment)

Revision ID: 0004_attachments
Revises: 0003_client_case_indexes
Create Date: 2026-12-06 02:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004_attachments'
down_revision: Union[str, Sequence[str], None] = '0003_client_case_indexes'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sync_attachment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('command_id', sa.String(length=36), nullable=True),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('material', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=True),
    sa.Column('sent_bytes', sa.BigInteger(), nullable=False),
    sa.Column('local', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_attachment'))
    )
    with op.batch_alter_table('sync_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_attachment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_attachment_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_attachment_state'))
        batch_op.drop_index(batch_op.f('ix_sync_attachment_case_id'))
    op.drop_table('sync_attachment')
