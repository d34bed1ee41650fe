"""devices: each device's current health (folded from fault/recovery facts) and the hall strip's notice

Revision ID: 0006_device_health
Revises: 0005_ticket_print_state
Create Date: 2026-12-05 01:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006_device_health'
down_revision: Union[str, Sequence[str], None] = '0005_ticket_print_state'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('device_health',
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('faults', sa.JSON(), nullable=False),
    sa.Column('updated_hlc', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_device_health_device_id_device')),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_device_health_hall_id_hall')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_device_health'))
    )
    with op.batch_alter_table('device_health', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_health_hall_id'), ['hall_id'], unique=False)
    op.create_table('hall_notice',
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=50), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_hall_notice_hall_id_hall')),
    sa.PrimaryKeyConstraint('hall_id', name=op.f('pk_hall_notice'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('hall_notice')
    with op.batch_alter_table('device_health', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_health_hall_id'))
    op.drop_table('device_health')
