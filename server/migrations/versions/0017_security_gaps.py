"""security gaps (issue 18): staff tokens remember when they were last used (the idle expiry), and the audit
rows written before the chain existed get an anchor (their own chained segment, made by the server when it
first runs with its audit key: server/store/audit_chain.py anchor_unchained).

Revision ID: 0017_security_gaps
Revises: 0016_admin_devices_office
Create Date: 2026-12-05 22:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0017_security_gaps'
down_revision: Union[str, Sequence[str], None] = '0016_admin_devices_office'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('auth_token') as batch:
        batch.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'audit_anchor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('last_mac', sa.String(length=64), nullable=False),
        sa.Column('anchored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor')))


def downgrade() -> None:
    """The anchored rows lose their macs again, as before this revision (its verifier skips such leading rows)."""
    conn = op.get_bind()
    last = conn.execute(sa.text("SELECT max(last_id) FROM audit_anchor")).scalar()
    if last is not None:
        conn.execute(sa.text("UPDATE audit_entry SET mac = '' WHERE id <= :last"), {"last": last})
    op.drop_table('audit_anchor')
    with op.batch_alter_table('auth_token') as batch:
        batch.drop_column('last_used_at')
