"""ratings: a rectification record for every 差评 and the ratings of closed cases (一事一评)

Revision ID: 0020_rating_rectification
Revises: 0018_notifications
Create Date: 2026-12-05 22:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0020_rating_rectification'
down_revision: Union[str, Sequence[str], None] = '0018_notifications'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('rating_rectification',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_rating_rectification_department_id_department')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_rating_rectification_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_rectification')),
    sa.UniqueConstraint('rating_id', name=op.f('uq_rating_rectification_rating_id'))
    )
    with op.batch_alter_table('rating_rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_rectification_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_rectification_opened_on'), ['opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_rectification_status'), ['status'], unique=False)
    op.create_table('case_rating',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_case_rating_hall_id_hall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_rating')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_rating_case_id'))
    )
    with op.batch_alter_table('case_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_rating_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_rating_hall_id'), ['hall_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('case_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_rating_hall_id'))
        batch_op.drop_index(batch_op.f('ix_case_rating_at'))
    op.drop_table('case_rating')
    with op.batch_alter_table('rating_rectification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_rectification_status'))
        batch_op.drop_index(batch_op.f('ix_rating_rectification_opened_on'))
        batch_op.drop_index(batch_op.f('ix_rating_rectification_hall_id'))
    op.drop_table('rating_rectification')
