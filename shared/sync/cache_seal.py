"""Personal fields of a device's cache sealed at rest (SM4-GCM, shared.crypto.sm4) under a key of that cache
kept outside it: a file next to the cache, 0600 in the 0700 data directory. A copy of the cache file (a
backup, a support bundle, a disk image of the database alone) then shows no applicant's name.

Why a key file and not the OS keyring: hall workstations and kiosks run Linux without a secret service (no
desktop keyring daemon, often one shared OS account), so a keyring would not be there to ask; the file has the
same owner-only protection as the cache and keeps the key out of the cache and its backups.

A value is sealed with associated data naming its place ("cache:<table>:<pk>:<field>"): copied to another
row or field it does not open. Sealing is attached when shared.db.cache.open_cache opens a cache; an engine
without it (tests building a bare cache) keeps rows as given."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from shared.crypto.keys import KEY_BYTES, KeyUnavailable
from shared.crypto.sm4 import VERSION, DecryptionFailed, open_sealed, seal
from shared.protocol.personal_args import PERSONAL_ROW_FIELDS

KEY_ID = "w1"
PREFIX = f"{VERSION}.{KEY_ID}."
UNREADABLE = "（无法解密）"  # shown in place of a value whose key is gone (the key file was deleted)
SEALED_META = "personal_fields_sealed"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheKey:
    """A KeyProvider with the cache's one key (no blind index on a device)."""
    key: bytes
    current_key_id: str = KEY_ID

    def encryption_key(self, key_id: str) -> bytes:
        if key_id != self.current_key_id:
            raise KeyUnavailable(f"no cache key {key_id!r}", key_id=key_id)
        return self.key

    def index_key(self) -> bytes:
        raise KeyUnavailable("a device's cache has no blind-index key")


def key_file(cache: Path) -> Path:
    return cache.with_suffix(".key")


def load_or_create_key(path: Path) -> CacheKey:
    """The key in `path` (hex), created 0600 with 16 random bytes the first time (O_EXCL: of two processes
    opening a new cache at once, one writes it and both read the same key)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(os.urandom(KEY_BYTES).hex() + "\n")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise KeyUnavailable(f"the cache key file {path} is damaged") from None
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"the cache key file {path} is damaged")
    return CacheKey(key)


class CacheSealer:
    def __init__(self, key: CacheKey) -> None:
        self.key = key
        self._warned = False

    def seal_row(self, table: str, pk: str, row: dict | None) -> dict | None:
        fields = PERSONAL_ROW_FIELDS.get(table)
        if not fields or not isinstance(row, dict):
            return row
        out = row
        for field in fields:
            value = row.get(field)
            if isinstance(value, str) and value and not value.startswith(PREFIX):
                if out is row:
                    out = dict(row)
                out[field] = seal(value, self.key, f"cache:{table}:{pk}:{field}")
        return out

    def open_value(self, table: str, pk: str, field: str, value: object) -> object:
        if not isinstance(value, str) or not value.startswith(PREFIX):
            return value
        try:
            return open_sealed(value, self.key, f"cache:{table}:{pk}:{field}")
        except DecryptionFailed:
            if not self._warned:
                self._warned = True
                log.warning("cache values that do not open with this cache's key (key file replaced?)")
            return UNREADABLE

    def open_row(self, table: str, pk: str, row: dict | None) -> dict | None:
        fields = PERSONAL_ROW_FIELDS.get(table)
        if not fields or not isinstance(row, dict):
            return row
        out = row
        for field in fields:
            value = row.get(field)
            if isinstance(value, str) and value.startswith(PREFIX):
                if out is row:
                    out = dict(row)
                out[field] = self.open_value(table, pk, field, value)
        return out


_SEALERS: dict[str, CacheSealer] = {}


def _where(engine: Engine) -> str:
    return str(Path(engine.url.database or "").resolve())


def attach(engine: Engine, cache: Path) -> CacheSealer:
    sealer = _SEALERS[_where(engine)] = CacheSealer(load_or_create_key(key_file(cache)))
    return sealer


def sealer_of(bind: Engine | Connection) -> CacheSealer | None:
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name != "sqlite" or not _SEALERS:
        return None
    return _SEALERS.get(_where(engine))


def seal_clear_rows(engine: Engine) -> int:
    """A cache written before its personal fields were sealed: seal them now, once (the cache then records it).
    Returns how many rows were sealed."""
    from shared.db.files import erase_wal
    from shared.sync import store

    sealer = sealer_of(engine)
    if sealer is None:
        return 0
    with engine.begin() as conn:
        if store.get_meta(conn, SEALED_META) == "1":
            return 0
        sealed = 0
        for table in PERSONAL_ROW_FIELDS:
            for source, key in (("sync_confirmed", "tbl = :t"), ("sync_pending", "tbl = :t")):
                rows = conn.execute(text(f"SELECT rowid, pk, row FROM {source} WHERE {key} AND row IS NOT NULL "
                                         "AND row != 'null'"), {"t": table}).all()
                for rowid, pk, row in rows:
                    value = json.loads(row)
                    new = sealer.seal_row(table, pk, value)
                    if new is not value:
                        conn.execute(text(f"UPDATE {source} SET row = :r WHERE rowid = :id"),
                                     {"r": json.dumps(new), "id": rowid})
                        sealed += 1
        store.set_meta(conn, SEALED_META, "1")
    if sealed:
        erase_wal(engine)  # the clear names are in the WAL's older frames
    return sealed
