"""Catalogue materials' sample files (样表) on this PC: the synced `material_sample` rows (shared.material_sample)
say which material has one and its SHA-256; after each pull the attachment thread fetches every file not yet
held (`fetch_missing`), checks it against its row and the sample rule, and keeps it in the cache database
(material_sample_cache), so the counter opens a sample offline. Files no row names any more are dropped.

The GUI asks `has` (in memory, no disk) to offer 样表 on a material's row, and `open` (off the GUI thread) for
a MaterialFile the material viewer shows."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

from sqlalchemy import delete, insert, select

from client.services.material_files import MaterialFile
from shared.errors import DomainError
from shared.material_sample import EXTENSIONS, SAMPLE_TABLE, file_matches, sample_of
from shared.sync.client import SyncClient
from shared.sync.tables import material_sample_cache as cache
from shared.sync.transport import TransportError

log = logging.getLogger("govhall.samples")
TIMEOUT = 10.0


class SampleUnavailable(DomainError):
    code = "sample_not_synced"


class MaterialSamples:
    def __init__(self, sync: SyncClient) -> None:
        self.sync = sync
        self._rows: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._open_dir: Path | None = None
        self.refresh()

    def refresh(self) -> dict[str, dict]:
        """Re-read the synced rows into memory (off the GUI thread)."""
        rows = self.sync.rows(SAMPLE_TABLE)
        with self._lock:
            self._rows = rows
        return rows

    def has(self, situation_code: str, material: str) -> bool:
        with self._lock:
            return sample_of(self._rows, situation_code, material) is not None

    def held(self) -> set[str]:
        with self.sync.engine.connect() as conn:
            return set(conn.scalars(select(cache.c.sha256)))

    def fetch_missing(self) -> int:
        """Fetch the samples the rows name and this PC lacks; returns how many were fetched. Offline it stops
        quietly (the next pass tries again); a file that does not match its row is not kept."""
        rows = self.refresh()
        held = self.held()
        wanted = {r["sha256"] for r in rows.values()}
        fetched = 0
        for row in rows.values():
            if row["sha256"] in held:
                continue
            try:
                reply = self.sync.call("GET", f"/material-samples/{row['material_id']}", timeout=TIMEOUT)
            except TransportError as exc:
                log.info("sample files not fetched now (%s)", exc)
                break
            if reply.status != 200 or not isinstance(reply.body, bytes) or not file_matches(row, reply.body):
                log.warning("sample of material %s not kept (%s)", row["material_id"],
                            reply.error_code or reply.status)
                continue
            with self.sync.engine.begin() as conn:
                conn.execute(delete(cache).where(cache.c.sha256 == row["sha256"]))
                conn.execute(insert(cache).values(sha256=row["sha256"], mime=row["mime"], size=row["size"],
                                                  data=reply.body))
            held.add(row["sha256"])
            fetched += 1
        gone = held - wanted
        if gone:
            with self.sync.engine.begin() as conn:
                conn.execute(delete(cache).where(cache.c.sha256.in_(gone)))
        return fetched

    def open(self, situation_code: str, material: str) -> MaterialFile:
        """The material's sample as a file the viewer opens (a clear copy in a private temporary folder);
        SampleUnavailable when it has none or it is not on this PC yet. Blocks: call it off the GUI thread."""
        row = sample_of(self.refresh(), situation_code, material)
        if row is None:
            raise SampleUnavailable(f"{material} has no sample file", code="sample_none")
        with self.sync.engine.connect() as conn:
            data = conn.scalar(select(cache.c.data).where(cache.c.sha256 == row["sha256"]))
        if data is None:
            raise SampleUnavailable(f"sample of {material} not on this PC yet")
        with self._lock:
            if self._open_dir is None:
                self._open_dir = Path(tempfile.mkdtemp(prefix="govhall-samples-"))
            target = self._open_dir / (row["sha256"] + EXTENSIONS.get(row["mime"], ""))
            if not target.exists():
                fd = os.open(target.with_suffix(".part"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(target.with_suffix(".part"), target)
        return MaterialFile(material, row["file_name"], row["sha256"], row["size"], row["mime"], target)
