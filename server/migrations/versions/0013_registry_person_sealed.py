"""the person register's names sealed at rest: registry_person.name (clear) becomes name_sealed (SM4-GCM,
associated data bound to the row's id key, as server/approval/models.py RegistryPerson.name writes it).

Needs GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY when there are rows to seal; refuses without them.

Revision ID: 0013_registry_person_sealed
Revises: 0012_personal_data_sealed
Create Date: 2026-12-05 02:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013_registry_person_sealed'
down_revision: Union[str, Sequence[str], None] = '0012_personal_data_sealed'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _keys():  # noqa: ANN202
    from shared.crypto.keys import keys_from_environment
    try:
        return keys_from_environment()
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError("migration 0013 seals the person register's names: set GOVHALL_PII_KEYS and "
                           "GOVHALL_PII_INDEX_KEY (the server's keys) and run it again") from exc


def _where(id_key: str) -> str:
    return f"name|registry_person:{id_key}:name"


def upgrade() -> None:
    from shared.crypto.sm4 import seal

    with op.batch_alter_table('registry_person') as batch:
        batch.add_column(sa.Column('name_sealed', sa.Text(), nullable=False, server_default=''))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id_key, name FROM registry_person WHERE name != ''")).all()
    keys = _keys() if rows else None
    for id_key, name in rows:
        conn.execute(sa.text("UPDATE registry_person SET name_sealed = :s WHERE id_key = :k"),
                     {"s": seal(name, keys, _where(id_key)), "k": id_key})
    with op.batch_alter_table('registry_person') as batch:
        batch.drop_column('name')


def downgrade() -> None:
    """The names come back in clear."""
    from shared.crypto.sm4 import open_sealed

    with op.batch_alter_table('registry_person') as batch:
        batch.add_column(sa.Column('name', sa.String(length=100), nullable=False, server_default=''))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id_key, name_sealed FROM registry_person WHERE name_sealed != ''")).all()
    keys = _keys() if rows else None
    for id_key, sealed in rows:
        conn.execute(sa.text("UPDATE registry_person SET name = :n WHERE id_key = :k"),
                     {"n": open_sealed(sealed, keys, _where(id_key)), "k": id_key})
    with op.batch_alter_table('registry_person') as batch:
        batch.drop_column('name_sealed')
