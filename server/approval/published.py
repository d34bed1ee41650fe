"""Personal values in published rows, sealed while they rest in the change log: an applicant's name in an
`approval_case` row is stored there sealed (SM4-GCM, bound to the table, key and column) and opened on the way
out to the workstations that read cases (server.sync.visibility keeps every other kind away from them). The
wire shape does not change: a workstation receives the row as before."""

from __future__ import annotations

import json

from server.approval.identity import pii_keys
from shared.crypto.keys import KeyProvider, KeyUnavailable
from shared.crypto.sm4 import DecryptionFailed, open_sealed, seal

SEALED_COLUMNS: dict[str, tuple[str, ...]] = {"approval_case": ("applicant_name",)}


def _where(table: str, pk: str, column: str) -> str:
    return f"change_log:{table}:{pk}:{column}"


def seal_published(table: str, pk: str, row: dict, keys: KeyProvider) -> dict:
    out = dict(row)
    for column in SEALED_COLUMNS.get(table, ()):
        if out.get(column):
            out[column] = seal(str(out[column]), keys, _where(table, pk, column))
    return out


def open_published(table: str, pk: str, row: dict | None, keys: KeyProvider | None) -> dict | None:
    """The row with its sealed columns opened; a value that cannot be opened (no keys, altered) reads ""."""
    if row is None or table not in SEALED_COLUMNS:
        return row
    out = dict(row)
    for column in SEALED_COLUMNS[table]:
        value = out.get(column)
        if isinstance(value, str) and value.startswith("v1."):
            try:
                out[column] = open_sealed(value, keys, _where(table, pk, column)) if keys else ""
            except (DecryptionFailed, KeyUnavailable):
                out[column] = ""
    return out


def open_published_json(table: str, pk: str, row_json: str | None) -> str | None:
    """For the pull, which otherwise splices the stored JSON unparsed: only sealed tables are re-encoded."""
    if row_json is None or table not in SEALED_COLUMNS:
        return row_json
    return json.dumps(open_published(table, pk, json.loads(row_json), _keys()), ensure_ascii=False)


def _keys() -> KeyProvider | None:
    try:
        return pii_keys()
    except KeyUnavailable:
        return None


def open_for(table: str, pk: str, row: dict | None) -> dict | None:
    return open_published(table, pk, row, _keys()) if table in SEALED_COLUMNS else row
