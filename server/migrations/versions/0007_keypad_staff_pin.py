"""auth: staff PINs for keypad-only login (server-only table staff_pin)

Revision ID: 0007_keypad_staff_pin
Revises: 0006_device_health
Create Date: 2026-12-05 01:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007_keypad_staff_pin'
down_revision: Union[str, Sequence[str], None] = '0006_device_health'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('staff_pin',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_pin_user_id_staff_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_pin'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('staff_pin')
