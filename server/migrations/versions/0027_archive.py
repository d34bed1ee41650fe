"""archive: one row per archived case (numbers, manifest SM3 and SM2 signature, retention) and disposals

Revision ID: 0027_archive
Revises: 0025_ticket_phone
Create Date: 2026-12-06 02:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.db.base import UtcDateTime


# revision identifiers, used by Alembic.
revision: str = '0027_archive'
# Chained after 0023_notice_service, which this branch already carries (two heads do not migrate);
# rechained at merge.
down_revision: Union[str, Sequence[str], None] = '0025_ticket_phone'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('case_archive',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('archive_no', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('built_at', UtcDateTime(), nullable=False),
    sa.Column('document_count', sa.Integer(), nullable=False),
    sa.Column('manifest_sm3', sa.String(length=64), nullable=False),
    sa.Column('manifest_signature', sa.Text(), nullable=False),
    sa.Column('signer_key', sa.Text(), nullable=False),
    sa.Column('retention_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['approval_case.id'], name=op.f('fk_case_archive_case_id_approval_case')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_case_archive_hall_id_hall')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_archive')),
    sa.UniqueConstraint('archive_no', name=op.f('uq_case_archive_archive_no')),
    sa.UniqueConstraint('hall_id', 'year', 'seq', name=op.f('uq_case_archive_hall_id_year_seq'))
    )
    with op.batch_alter_table('case_archive', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_archive_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_archive_hall_id'), ['hall_id'], unique=False)
    op.create_table('archive_disposal',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('disposed_by', sa.String(length=50), nullable=False),
    sa.Column('disposed_at', UtcDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=100), nullable=False),
    sa.Column('approval_ref', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_archive.case_id'],
                            name=op.f('fk_archive_disposal_case_id_case_archive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_disposal')),
    sa.UniqueConstraint('case_id', name=op.f('uq_archive_disposal_case_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('archive_disposal')
    with op.batch_alter_table('case_archive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_archive_hall_id'))
        batch_op.drop_index(batch_op.f('ix_case_archive_closed_on'))
    op.drop_table('case_archive')
