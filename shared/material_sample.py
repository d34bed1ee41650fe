"""A catalogue material's sample file (样表): a filled-in example the admin uploads with the material, which the
counter clerk opens for the citizen and a kiosk can show. PDF, JPEG or PNG by its first bytes (the attachment
rule's types: shared.attachments.rules.sniff), never by the name alone, non-empty, at most SAMPLE_MAX_BYTES.
The admin API checks an upload with `check_sample`; a device checks what it downloads with the same rule and
the SHA-256 of its synced row before it keeps the file.

Devices learn of a sample from a row of SAMPLE_TABLE per material (pk: the material id), published with the
hall's reference data (server.sync.reference); the file itself is fetched by the material id and cached."""

from __future__ import annotations

import hashlib

from shared.attachments.rules import MIMES, sniff
from shared.errors import DomainError

SAMPLE_TABLE = "material_sample"
SAMPLE_MAX_BYTES = 2 * 1024 * 1024  # a scanned form or a few PDF pages; its base64 stays under the 4 MiB body
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

EMPTY = "sample_empty"
TOO_LARGE = "sample_too_large"
TYPE_NOT_ALLOWED = "sample_type_not_allowed"


class SampleRefused(DomainError):
    code = TYPE_NOT_ALLOWED


def check_sample(data: bytes) -> str:
    """The sample's type (application/pdf, image/jpeg or image/png), or SampleRefused: `sample_empty`,
    `sample_too_large`, `sample_type_not_allowed`."""
    if not data:
        raise SampleRefused("the sample file is empty", code=EMPTY)
    if len(data) > SAMPLE_MAX_BYTES:
        raise SampleRefused(f"sample of {len(data)} bytes is over {SAMPLE_MAX_BYTES}", code=TOO_LARGE,
                            size=len(data), limit=SAMPLE_MAX_BYTES)
    mime = sniff(data[:8])
    if mime is None:
        raise SampleRefused("not a PDF, JPEG or PNG file", code=TYPE_NOT_ALLOWED, allowed=sorted(MIMES))
    return mime


def sample_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sample_etag(sha256: str) -> str:
    """The sample's version, as the server's ETag and a device's If-None-Match carry it."""
    return f'"{sha256}"'


def sample_row(material_id: int, situation_code: str, material: str, file_name: str, mime: str, size: int,
               sha256: str) -> dict:
    """The published row a device learns the sample from (it fetches the file by `material_id`)."""
    return {"material_id": material_id, "situation_code": situation_code, "material": material,
            "file_name": file_name, "mime": mime, "size": size, "sha256": sha256}


def sample_of(rows: dict[str, dict], situation_code: str, material: str) -> dict | None:
    """The synced sample row of a situation's material, None when it has no sample file."""
    return next((r for r in rows.values()
                 if r.get("situation_code") == situation_code and r.get("material") == material), None)


def file_matches(row: dict, data: bytes) -> bool:
    """Downloaded bytes are the sample the row names: size, SHA-256 and an allowed type."""
    try:
        mime = check_sample(data)
    except SampleRefused:
        return False
    return len(data) == row.get("size") and sample_sha256(data) == row.get("sha256") and mime == row.get("mime")
