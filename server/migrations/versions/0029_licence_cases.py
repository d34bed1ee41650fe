"""licence cases: 延续/变更 applications name the licence they touch; a certificate records how it came about

Revision ID: 0029_licence_cases
Revises: 0028_stats_projection
Create Date: 2026-12-06 03:15:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0029_licence_cases'
down_revision: Union[str, Sequence[str], None] = '0028_stats_projection'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('approval_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licence_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('licence_action', sa.String(length=10), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_approval_case_licence_id'), ['licence_id'], unique=False)
    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='made', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('licence', schema=None) as batch_op:
        batch_op.drop_column('origin')
    with op.batch_alter_table('approval_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_case_licence_id'))
        batch_op.drop_column('licence_action')
        batch_op.drop_column('licence_id')
