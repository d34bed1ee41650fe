"""sync: the change log's key index also orders by seq

Revision ID: 0057_change_log_key_seq
Revises: 0056_ticket_printed_index
Create Date: 2026-12-06 15:40:00

"The latest entry of one key" (a window's badge, asked by every call and every 开始办理 in
server/queue/badges.py; the reference tables' latest versions) filters on (scope, tbl, pk) and orders by seq.
With the index on (scope, tbl, pk) alone, SQLite chose (scope, seq) to avoid the sort and read the hall's
change log backwards until it met the key: every call read every change since the window's badge was last
published, so calls grew slower all day (issue 19: 30 % of the server's CPU in bench.load's calling run).
With seq in the key index, the answer is one index probe.
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0057_change_log_key_seq'
down_revision: Union[str, Sequence[str], None] = '0056_ticket_printed_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index("ix_change_log_key", table_name="change_log")
    op.create_index("ix_change_log_key", "change_log", ["scope", "tbl", "pk", "seq"])


def downgrade() -> None:
    op.drop_index("ix_change_log_key", table_name="change_log")
    op.create_index("ix_change_log_key", "change_log", ["scope", "tbl", "pk"])
