"""A staff member's photo for the evaluator (the citizen sees who serves at the window): PNG or JPEG by its
first bytes, never by a declared type alone, at most PHOTO_MAX_BYTES. The admin API checks an upload with
`check_photo`; the evaluator checks what it receives with the same rule before it keeps or shows it."""

from __future__ import annotations

import hashlib

from shared.errors import DomainError

PHOTO_MAX_BYTES = 512 * 1024
SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


class PhotoRefused(DomainError):
    code = "invalid_photo"


def photo_type(data: bytes) -> str | None:
    """image/png or image/jpeg from the first bytes; None for anything else."""
    return next((mime for mime, magic in SIGNATURES.items() if data.startswith(magic)), None)


def check_photo(data: bytes, declared: str | None = None) -> str:
    """The photo's type, or PhotoRefused (`photo_too_large`, `invalid_photo`): empty, over the limit, not a PNG
    or JPEG, or not the type it was declared as."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoRefused(f"photo of {len(data)} bytes is over {PHOTO_MAX_BYTES}", code="photo_too_large",
                           max_bytes=PHOTO_MAX_BYTES)
    kind = photo_type(data)
    if kind is None or (declared is not None and declared != kind):
        raise PhotoRefused("not a PNG or JPEG image" if kind is None else f"a {kind} image declared {declared}")
    return kind


def photo_etag(data: bytes) -> str:
    """The photo's version, as the server's ETag and the evaluator's If-None-Match carry it."""
    return '"' + hashlib.sha256(data).hexdigest() + '"'
