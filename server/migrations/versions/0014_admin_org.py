"""admin: server-only organisation extras — a window's LED address, a staff member's usual window, staff photos

Revision ID: 0014_admin_org
Revises: 0013_registry_person_sealed
Create Date: 2026-12-05 22:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0014_admin_org'
down_revision: Union[str, Sequence[str], None] = '0013_registry_person_sealed'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('window_setting',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('led_address', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], name=op.f('fk_window_setting_window_id_window')),
    sa.PrimaryKeyConstraint('window_id', name=op.f('pk_window_setting'))
    )
    op.create_table('staff_assignment',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_assignment_user_id_staff_user')),
    sa.ForeignKeyConstraint(['window_id'], ['window.id'], name=op.f('fk_staff_assignment_window_id_window')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_assignment'))
    )
    op.create_table('staff_photo',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_photo_user_id_staff_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_photo'))
    )


def downgrade() -> None:
    op.drop_table('staff_photo')
    op.drop_table('staff_assignment')
    op.drop_table('window_setting')
