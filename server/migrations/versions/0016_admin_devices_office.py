"""notice settings: a hall's issuing-office texts, seal image and template overrides, set by its admin

Revision ID: 0016_admin_devices_office
Revises: 0014_admin_org
Create Date: 2026-12-05 22:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0016_admin_devices_office'
down_revision: Union[str, Sequence[str], None] = '0014_admin_org'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('notice_settings',
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('seal_png', sa.LargeBinary(), nullable=True),
    sa.Column('updated_by', sa.String(length=50), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], name=op.f('fk_notice_settings_hall_id_hall')),
    sa.PrimaryKeyConstraint('hall_id', name=op.f('pk_notice_settings'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('notice_settings')
