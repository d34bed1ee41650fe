"""access: credentials (password state and history, login throttle), the audit chain, device revocation,
booking codes

Revision ID: 0011_access
Revises: 0009_shared_process_state
Create Date: 2026-12-05 01:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011_access'
down_revision: Union[str, Sequence[str], None] = '0009_shared_process_state'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema. Existing audit rows keep an empty mac: the verifier starts the chain after them."""
    op.create_table(
        'staff_credential',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('must_change', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_credential_user_id_staff_user')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_credential')))
    op.create_table(
        'password_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_password_history_user_id_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history')))
    op.create_index(op.f('ix_password_history_user_id'), 'password_history', ['user_id'], unique=False)
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')))
    op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('last_mac', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')))
    with op.batch_alter_table('audit_entry') as batch:
        batch.add_column(sa.Column('mac', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('sync_device') as batch:
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('queue_appointment') as batch:
        batch.add_column(sa.Column('code_hash', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('queue_appointment') as batch:
        batch.drop_column('code_hash')
    with op.batch_alter_table('sync_device') as batch:
        batch.drop_column('revoked_at')
    with op.batch_alter_table('audit_entry') as batch:
        batch.drop_column('mac')
    op.drop_table('audit_chain_head')
    op.drop_table('login_throttle')
    op.drop_index(op.f('ix_password_history_user_id'), table_name='password_history')
    op.drop_table('password_history')
    op.drop_table('staff_credential')
