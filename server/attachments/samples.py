"""Catalogue materials' sample files (样表, shared.material_sample): kept in the attachment store like case
files — sealed under the server's current key, one object "<object id>/0" per upload — with a record per
material (MaterialSampleFile). Replacing a sample stores the new object before the old one goes; a material
removed from the catalogue loses its sample with it (server.approval.catalogue_edit). Replaced or removed
objects are deleted only after the transaction commits."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from server.storage import BlobStore
from server.store.models import MaterialSampleFile
from shared.attachments.sealed_file import open_chunk, seal_chunk
from shared.crypto.keys import KeyProvider
from shared.db.models import Material, Situation
from shared.material_sample import check_sample, sample_row, sample_sha256

log = logging.getLogger(__name__)


def _place(object_id: str) -> str:
    return f"material_sample:{object_id}"


def _object(object_id: str) -> str:
    return f"{object_id}/0"


def put(session: Session, store: BlobStore, keys: KeyProvider, material: Material, file_name: str,
        data: bytes, by: str, now: dt.datetime) -> tuple[MaterialSampleFile, str | None]:
    """Store the sample (SampleRefused before anything is written); returns the record and the object it
    replaces, to be deleted once the transaction has committed."""
    mime = check_sample(data)
    object_id = str(uuid.uuid4())
    store.put(_object(object_id), seal_chunk(data, keys, _place(object_id), 0))
    row = session.get(MaterialSampleFile, material.id)
    old = None if row is None else row.object_id
    if row is None:
        row = MaterialSampleFile(material_id=material.id)
        session.add(row)
    row.file_name, row.mime, row.size, row.sha256 = file_name, mime, len(data), sample_sha256(data)
    row.object_id, row.key_id, row.updated_by, row.updated_at = object_id, keys.current_key_id, by, now
    material.sample_file = file_name  # the name the checklist and the public catalogue show
    session.flush()
    return row, old


def content(store: BlobStore, keys: KeyProvider, row: MaterialSampleFile) -> bytes:
    return open_chunk(store.get(_object(row.object_id)), keys, row.key_id, _place(row.object_id), 0)


def forget(session: Session, material_id: int) -> str | None:
    """Drop a material's sample record; returns its object, to delete after the commit."""
    row = session.get(MaterialSampleFile, material_id)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    return row.object_id


def delete_after_commit(session: Session, store: BlobStore, *object_ids: str | None) -> None:
    """Remove replaced or removed samples' sealed bytes once the change is committed (a rollback keeps them,
    and never runs this). A store that fails then leaves an unreferenced object behind and says so in the log:
    the change itself is committed and stands."""
    wanted = [_object(object_id) for object_id in object_ids if object_id is not None]
    if not wanted:
        return

    def delete(_session: Session) -> None:
        for name in wanted:
            try:
                store.delete(name)
            except Exception:  # noqa: BLE001 - after the commit: report, never undo the answer
                log.warning("material sample object %s not deleted after commit", name, exc_info=True)
    event.listen(session, "after_commit", delete, once=True)


def published_rows(session: Session) -> dict[str, dict]:
    """Every sample's row for the halls' devices, keyed by material id."""
    out = {}
    for row, material, situation_code in session.execute(
            select(MaterialSampleFile, Material, Situation.code)
            .join(Material, Material.id == MaterialSampleFile.material_id)
            .join(Situation, Situation.id == Material.situation_id)):
        out[str(row.material_id)] = sample_row(row.material_id, situation_code, material.name, row.file_name,
                                               row.mime, row.size, row.sha256)
    return out
