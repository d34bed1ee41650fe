"""Personal fields of a device's cache sealed at rest (SM4-GCM, shared.crypto.sm4) under a key of that cache
kept outside it: a file next to the cache, 0600 in the 0700 data directory. A copy of the cache file (a
backup, a support bundle, a disk image of the database alone) then shows no applicant's name.

Why a key file and not the OS keyring: hall workstations and kiosks run Linux without a secret service (no
desktop keyring daemon, often one shared OS account), so a keyring would not be there to ask; the file has the
same owner-only protection as the cache and keeps the key out of the cache and its backups.

A value is sealed with associated data naming its place ("cache:<table>:<pk>:<field>"): copied to another
row or field it does not open. The personal arguments of a command waiting in the outbox (ID numbers, phones,
names: shared.protocol.personal_args) are sealed the same way ("cache:sync_outbox:<command id>:<arg>") and
opened only to be pushed; once the server has answered they are withheld (shared.sync.outbox). Sealing is
attached when shared.db.cache.open_cache opens a cache; an engine without it (tests building a bare cache)
keeps rows as given."""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from shared.crypto.keys import KEY_BYTES, KeyUnavailable
from shared.crypto.sm4 import VERSION, DecryptionFailed, open_sealed, seal
from shared.protocol.personal_args import PERSONAL_ARGS, PERSONAL_ROW_FIELDS

KEY_ID = "w1"
PREFIX = f"{VERSION}.{KEY_ID}."
UNREADABLE = "（无法解密）"  # shown in place of a value whose key is gone (the key file was deleted)
SEALED_META = "personal_fields_sealed"
OUTBOX_SEALED_META = "outbox_args_sealed"  # a cache whose waiting commands' personal args were sealed
OUTBOX = "sync_outbox"
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

    def seal_args(self, name: str, command_id: str, args: dict) -> dict:
        """A command's args as the outbox keeps them: its personal values sealed (the rest as given)."""
        fields = PERSONAL_ARGS.get(name)
        if not fields or not isinstance(args, dict):
            return args
        return {k: (seal(v, self.key, f"cache:{OUTBOX}:{command_id}:{k}")
                    if k in fields and isinstance(v, str) and v and not v.startswith(PREFIX) else v)
                for k, v in args.items()}

    def open_args(self, name: str, command_id: str, args: dict) -> dict:
        """The args to push. A value whose key is gone goes as UNREADABLE: the server refuses the command
        (no valid ID number) and its author is told, instead of the outbox waiting for good."""
        fields = PERSONAL_ARGS.get(name)
        if not fields or not isinstance(args, dict):
            return args
        return {k: (self.open_value(OUTBOX, command_id, k, v) if k in fields else v) for k, v in args.items()}


_SEALERS: dict[str, CacheSealer] = {}


def _where(engine: Engine) -> str:
    database = engine.url.database or ""
    # Asked at every read and write of a cache: an absolute path is resolved once (a relative one depends on
    # the working directory, so it is resolved each time).
    return _resolved(database) if os.path.isabs(database) else str(Path(database).resolve())


@functools.lru_cache(maxsize=64)
def _resolved(database: str) -> str:
    return str(Path(database).resolve())


def attach(engine: Engine, cache: Path) -> CacheSealer:
    sealer = _SEALERS[_where(engine)] = CacheSealer(load_or_create_key(key_file(cache)))
    return sealer


def sealer_of(bind: Engine | Connection) -> CacheSealer | None:
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name != "sqlite" or not _SEALERS:
        return None
    return _SEALERS.get(_where(engine))


def seal_clear_rows(engine: Engine) -> int:
    """A cache written before its personal fields (or its waiting commands' personal args) were sealed: seal
    them now, once (the cache then records it). Returns how many rows were sealed."""
    from shared.db.files import erase_wal

    sealer = sealer_of(engine)
    if sealer is None:
        return 0
    with engine.begin() as conn:
        sealed = seal_rows(conn, sealer)
    if sealed:
        erase_wal(engine)  # the clear values are in the WAL's older frames
    return sealed


def seal_rows(conn: Connection, sealer: CacheSealer) -> int:
    """Seal what a cache (or a backup of one) still holds in clear, in `conn`'s transaction; each stage once."""
    from shared.sync import store

    sealed = 0
    if store.get_meta(conn, SEALED_META) != "1":
        for table in PERSONAL_ROW_FIELDS:
            for source in ("sync_confirmed", "sync_pending"):
                rows = conn.execute(text(f"SELECT rowid, pk, row FROM {source} WHERE tbl = :t AND row IS NOT NULL "
                                         "AND row != 'null'"), {"t": table}).all()
                for rowid, pk, row in rows:
                    value = json.loads(row)
                    new = sealer.seal_row(table, pk, value)
                    if new is not value:
                        conn.execute(text(f"UPDATE {source} SET row = :r WHERE rowid = :id"),
                                     {"r": json.dumps(new), "id": rowid})
                        sealed += 1
        store.set_meta(conn, SEALED_META, "1")
    if store.get_meta(conn, OUTBOX_SEALED_META) != "1":
        names = {f"n{i}": n for i, n in enumerate(PERSONAL_ARGS)}
        rows = conn.execute(text(f"SELECT seq, command_id, name, args FROM {OUTBOX} WHERE name IN "
                                 f"({', '.join(':' + k for k in names)})"), names).all()
        for seq, command_id, name, args in rows:
            value = json.loads(args)
            new = sealer.seal_args(name, command_id, value)
            if new != value:
                conn.execute(text(f"UPDATE {OUTBOX} SET args = :a WHERE seq = :s"), {"a": json.dumps(new), "s": seq})
                sealed += 1
        store.set_meta(conn, OUTBOX_SEALED_META, "1")
    return sealed


def _clear_left(conn: Connection) -> int:
    """How many personal values the cache still holds in clear (0 for a sealed cache)."""
    from shared.protocol.personal_args import WITHHELD

    sealed, left = f"{PREFIX}%", 0
    for table, fields in PERSONAL_ROW_FIELDS.items():
        for source in ("sync_confirmed", "sync_pending"):
            for field in fields:
                left += conn.execute(text(
                    f"SELECT count(*) FROM {source} WHERE tbl = :t AND row IS NOT NULL AND row != 'null' AND "
                    f"coalesce(json_extract(row, '$.{field}'), '') != '' AND "
                    f"json_extract(row, '$.{field}') NOT LIKE :p"), {"t": table, "p": sealed}).scalar()
    for name, fields in PERSONAL_ARGS.items():
        for field in fields:
            left += conn.execute(text(
                f"SELECT count(*) FROM {OUTBOX} WHERE name = :n AND "
                f"coalesce(json_extract(args, '$.{field}'), '') NOT IN ('', :w) AND "
                f"json_extract(args, '$.{field}') NOT LIKE :p"), {"n": name, "w": WITHHELD, "p": sealed}).scalar()
    return left


def verified(engine: Engine) -> bool:
    """The cache records both sealing stages done and holds no personal value in clear."""
    from shared.sync import store

    with engine.connect() as conn:
        return (store.get_meta(conn, SEALED_META) == "1" and store.get_meta(conn, OUTBOX_SEALED_META) == "1"
                and _clear_left(conn) == 0)


def _needs_sealing(backup: Path) -> bool:
    """A backup with sync tables whose sealing stages are not both recorded (read without writing to it)."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"sync_meta", "sync_confirmed", "sync_pending", OUTBOX} <= tables:
                return False  # from before sync (reference data only): no applicant's data in it
            done = dict(conn.execute("SELECT key, value FROM sync_meta WHERE key IN (?, ?)",
                                     (SEALED_META, OUTBOX_SEALED_META)).fetchall())
        finally:
            conn.close()
    except sqlite3.Error as exc:  # not a database (damaged, truncated): not ours to repair; the cache opens
        log.warning("cache backup %s cannot be read (%s): left as it is", backup.name, exc)
        return False
    return not (done.get(SEALED_META) == "1" and done.get(OUTBOX_SEALED_META) == "1")


def seal_backups(engine: Engine, cache: Path) -> list[Path]:
    """The copies an upgrade made of this cache before migrating it (shared.db.migrate.backups_of) hold what
    the cache held then: a cache from before sealing, names and waiting ID numbers in clear. Once the cache
    itself is verified sealed, seal them too — with the cache's key, the way the cache was sealed, so each
    still restores — and rewrite them (VACUUM, WAL truncated) so the clear values leave the files. Returns the
    backups sealed."""
    from shared.db.engine import make_engine
    from shared.db.files import erase_wal
    from shared.db.migrate import backups_of

    sealer = sealer_of(engine)
    waiting = [b for b in backups_of(cache) if _needs_sealing(b)] if sealer is not None else []
    if not waiting:
        return []
    if not verified(engine):
        log.warning("cache %s is not verified sealed: its backups are left as they are", cache.name)
        return []
    done = []
    for backup in waiting:
        copy = make_engine(f"sqlite:///{backup}")  # 0600; secure_delete: replaced values are zeroed
        try:
            with copy.begin() as conn:
                seal_rows(conn, sealer)
            raw = copy.raw_connection()  # autocommit (shared.db.engine): VACUUM runs outside a transaction
            try:
                raw.cursor().execute("VACUUM")  # no page of the old file, free or not, keeps a clear value
            finally:
                raw.close()
            erase_wal(copy)
        except Exception:  # noqa: BLE001 - a backup that cannot be sealed (disk full) must not stop the cache
            log.exception("cache backup %s could not be sealed; tried again at the next start", backup.name)
            continue
        finally:
            copy.dispose()
        done.append(backup)
        log.info("sealed the personal data of cache backup %s", backup.name)
    return done
