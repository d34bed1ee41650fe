"""attachments: case files uploaded in chunks from the counter, stored sealed (case_attachment, chunks)

Revision ID: 0021_attachments
Revises: 0020_rating_rectification
Create Date: 2026-12-06 02:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0021_attachments'
down_revision: Union[str, Sequence[str], None] = '0020_rating_rectification'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('case_attachment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('material', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('chunk_bytes', sa.Integer(), nullable=False),
    sa.Column('chunks', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['approval_case.id'], name=op.f('fk_case_attachment_case_id_approval_case')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_case_attachment_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attachment'))
    )
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_attachment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_attachment_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_attachment_state'), ['state'], unique=False)
    op.create_table('case_attachment_chunk',
    sa.Column('attachment_id', sa.String(length=36), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['case_attachment.id'], name=op.f('fk_case_attachment_chunk_attachment_id_case_attachment')),
    sa.PrimaryKeyConstraint('attachment_id', 'index', name=op.f('pk_case_attachment_chunk'))
    )


def downgrade() -> None:
    op.drop_table('case_attachment_chunk')
    with op.batch_alter_table('case_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_attachment_state'))
        batch_op.drop_index(batch_op.f('ix_case_attachment_hall_id'))
        batch_op.drop_index(batch_op.f('ix_case_attachment_case_id'))
    op.drop_table('case_attachment')
