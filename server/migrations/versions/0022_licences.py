"""licences: the licence register (证照库), numbering rules per item and their counters

Revision ID: 0022_licences
Revises: 0021_attachments
Create Date: 2026-12-06 02:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import shared.db.base


# revision identifiers, used by Alembic.
revision: str = '0022_licences'
down_revision: Union[str, Sequence[str], None] = '0021_attachments'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('licence_rule',
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('pattern', sa.String(length=100), nullable=False),
    sa.Column('validity_years', sa.Integer(), nullable=False),
    sa.Column('licence_name', sa.String(length=100), nullable=False),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('item_code', name=op.f('pk_licence_rule'))
    )
    op.create_table('licence_sequence',
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('item_code', 'year', name=op.f('pk_licence_sequence'))
    )
    op.create_table('licence',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.String(length=500), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('holder_kind', sa.String(length=10), nullable=False),
    sa.Column('holder_name_sealed', sa.Text(), nullable=False),
    sa.Column('holder_name_key', sa.String(length=64), nullable=False),
    sa.Column('holder_name_masked', sa.String(length=200), nullable=False),
    sa.Column('holder_id_sealed', sa.Text(), nullable=False),
    sa.Column('holder_id_key', sa.String(length=64), nullable=False),
    sa.Column('holder_id_masked', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=50), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=500), nullable=False),
    sa.Column('replaces_id', sa.String(length=36), nullable=True),
    sa.Column('replaced_by_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', shared.db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['approval_case.id'], name=op.f('fk_licence_case_id_approval_case')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_licence_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence'))
    )
    with op.batch_alter_table('licence', schema=None) as batch_op:
        for column in ('case_id', 'hall_id', 'holder_id_key', 'holder_name_key', 'issued_on', 'item_code', 'number',
                       'status', 'valid_from', 'valid_until'):
            batch_op.create_index(batch_op.f(f'ix_licence_{column}'), [column], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('licence')
    op.drop_table('licence_sequence')
    op.drop_table('licence_rule')
