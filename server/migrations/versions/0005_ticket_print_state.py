"""queue: a ticket's print state (printing / printed / failed / kept), see shared.queue.printing

Revision ID: 0005_ticket_print_state
Revises: a0003
Create Date: 2026-12-04 22:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005_ticket_print_state'
down_revision: Union[str, Sequence[str], None] = 'a0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: tickets issued before this revision were recorded only once printed (or kept)."""
    with op.batch_alter_table('queue_ticket') as batch:
        batch.add_column(sa.Column('print_state', sa.String(length=10), nullable=False, server_default='printed'))
    op.execute("UPDATE queue_ticket SET print_state = 'kept' WHERE NOT printed")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('queue_ticket') as batch:
        batch.drop_column('print_state')
