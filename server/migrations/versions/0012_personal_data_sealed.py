"""personal data sealed where it rests: applicants' names in approval_case (sealed + blind index), the
applicant's name in the approval_case rows of the change log, personal args of approval.receive and
approval.deliver in the command log, and the names a person-register mismatch recorded (masked).

Needs GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY when there is anything to seal; refuses without them. The
associated data strings are those of server/approval/identity.py, published.py and command_log.py.

Revision ID: 0012_personal_data_sealed
Revises: 0011_access
Create Date: 2026-12-05 01:30:00

"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012_personal_data_sealed'
down_revision: Union[str, Sequence[str], None] = '0011_access'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PERSONAL_ARGS = {"approval.receive": ("applicant_id", "applicant_phone", "applicant_name"),
                 "approval.deliver": ("receiver_name", "receiver_id")}


def _keys():  # noqa: ANN202
    from shared.crypto.keys import keys_from_environment
    try:
        return keys_from_environment()
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError("migration 0012 seals personal data already stored: set GOVHALL_PII_KEYS and "
                           "GOVHALL_PII_INDEX_KEY (the server's keys) and run it again") from exc


def _json(value):  # noqa: ANN001, ANN202
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    from shared.crypto.blind_index import blind_index
    from shared.crypto.sm4 import seal
    from shared.validation import mask_name

    with op.batch_alter_table('approval_case') as batch:
        batch.add_column(sa.Column('applicant_name_sealed', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('applicant_name_key', sa.String(length=64), nullable=False, server_default=''))
    conn = op.get_bind()
    cases = conn.execute(sa.text("SELECT id, applicant_name, mismatches FROM approval_case")).all()
    log = conn.execute(sa.text("SELECT id, pk, row FROM change_log "
                               "WHERE tbl = 'approval_case' AND row IS NOT NULL")).all()
    commands = conn.execute(sa.text("SELECT device_id, seq, command_id, name, args FROM command_log "
                                    "WHERE name IN ('approval.receive', 'approval.deliver')")).all()
    keys = _keys() if (cases or log or commands) else None
    for case_id, name, mismatches in cases:
        sealed = seal(name, keys, f"name|case:{case_id}:applicant_name") if name else ""
        key = blind_index("name", "".join(name.split()), keys) if name and "".join(name.split()) else ""
        masked = [dict(m, registered_name=mask_name(m.get("registered_name", "")),
                       given_name=mask_name(m.get("given_name", "")))
                  if m.get("code") == "name_mismatch" and m.get("register") == "person" else m
                  for m in (_json(mismatches) or [])]
        conn.execute(sa.text("UPDATE approval_case SET applicant_name_sealed = :s, applicant_name_key = :k, "
                             "mismatches = :m WHERE id = :id").bindparams(sa.bindparam("m", type_=sa.JSON)),
                     {"s": sealed, "k": key, "m": masked, "id": case_id})
    for entry_id, pk, row in log:
        row = _json(row)
        name = row.get("applicant_name")
        if name and not str(name).startswith("v1."):
            row["applicant_name"] = seal(str(name), keys, f"change_log:approval_case:{pk}:applicant_name")
        row["mismatches"] = [dict(m, registered_name=mask_name(m.get("registered_name", "")),
                                  given_name=mask_name(m.get("given_name", "")))
                             if m.get("code") == "name_mismatch" and m.get("register") == "person" else m
                             for m in row.get("mismatches") or []]
        conn.execute(sa.text("UPDATE change_log SET row = :r WHERE id = :id")
                     .bindparams(sa.bindparam("r", type_=sa.JSON)), {"r": row, "id": entry_id})
    for device_id, seq, command_id, name, args in commands:
        args = _json(args) or {}
        for field in PERSONAL_ARGS[name]:
            value = args.get(field)
            if isinstance(value, str) and value and not value.startswith("v1."):
                args[field] = seal(value, keys, f"command_log:{command_id}:{field}")
        conn.execute(sa.text("UPDATE command_log SET args = :a WHERE device_id = :d AND seq = :s")
                     .bindparams(sa.bindparam("a", type_=sa.JSON)), {"a": args, "d": device_id, "s": seq})
    with op.batch_alter_table('approval_case') as batch:
        batch.drop_index(batch.f('ix_approval_case_applicant_name'))
        batch.drop_column('applicant_name')
        batch.create_index(batch.f('ix_approval_case_applicant_name_key'), ['applicant_name_key'], unique=False)


def downgrade() -> None:
    """The names come back in clear in approval_case; the change log and command log stay sealed."""
    from shared.crypto.sm4 import open_sealed

    with op.batch_alter_table('approval_case') as batch:
        batch.add_column(sa.Column('applicant_name', sa.String(length=200), nullable=False, server_default=''))
    conn = op.get_bind()
    cases = conn.execute(sa.text("SELECT id, applicant_name_sealed FROM approval_case "
                                 "WHERE applicant_name_sealed != ''")).all()
    keys = _keys() if cases else None
    for case_id, sealed in cases:
        conn.execute(sa.text("UPDATE approval_case SET applicant_name = :n WHERE id = :id"),
                     {"n": open_sealed(sealed, keys, f"name|case:{case_id}:applicant_name"), "id": case_id})
    with op.batch_alter_table('approval_case') as batch:
        batch.drop_index(batch.f('ix_approval_case_applicant_name_key'))
        batch.drop_column('applicant_name_sealed')
        batch.drop_column('applicant_name_key')
        batch.create_index(batch.f('ix_approval_case_applicant_name'), ['applicant_name'], unique=False)
