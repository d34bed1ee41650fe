"""What an attachment may be, checked at the counter before the case is made and again by the server on
upload: PDF, JPEG or PNG (by their first bytes, not the name), non-empty, at most MAX_BYTES. Files travel in
CHUNK_BYTES pieces, each with its SHA-256, the whole file with its SHA-256."""

from __future__ import annotations

import hashlib
import math
import re

from shared.errors import DomainError

CHUNK_BYTES = 1024 * 1024         # under the server's 4 MiB body limit; a cut costs at most 1 MiB again
MAX_BYTES = 50 * 1024 * 1024      # a 300 dpi colour scan of a thick application stays well under it
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MIMES = {"application/pdf": (b"%PDF-",), "image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}
SNIFF_BYTES = 8

TOO_LARGE = "attachment_too_large"
EMPTY = "attachment_empty"
TYPE_NOT_ALLOWED = "attachment_type_not_allowed"
CHUNK_DIGEST = "attachment_chunk_digest_mismatch"
FILE_DIGEST = "attachment_digest_mismatch"
CHUNK_RANGE = "attachment_chunk_out_of_range"
NOT_DECLARED = "attachment_not_declared"
CONFLICT = "attachment_conflict"
NOT_FOUND = "attachment_not_found"
INCOMPLETE = "attachment_incomplete"


class AttachmentRefused(DomainError):
    code = "attachment_refused"


def sniff(head: bytes) -> str | None:
    """The file's type from its first bytes; None when it is none of the allowed ones."""
    for mime, magics in MIMES.items():
        if any(head.startswith(m) for m in magics):
            return mime
    return None


def check(size: int, head: bytes) -> str:
    """The allowed type of a file of `size` bytes starting with `head`, or AttachmentRefused."""
    if size <= 0:
        raise AttachmentRefused("文件为空（the file is empty）", code=EMPTY)
    if size > MAX_BYTES:
        raise AttachmentRefused(f"文件过大：{size / 1048576:.1f} MB，上限 {MAX_BYTES // 1048576} MB"
                                f"（over {MAX_BYTES} bytes）", code=TOO_LARGE, size=size, limit=MAX_BYTES)
    mime = sniff(head)
    if mime is None:
        raise AttachmentRefused("只接受 PDF、JPEG、PNG 文件（only PDF, JPEG and PNG）", code=TYPE_NOT_ALLOWED,
                                allowed=sorted(MIMES))
    return mime


def chunk_count(size: int, chunk: int = CHUNK_BYTES) -> int:
    return max(1, math.ceil(size / chunk))


def chunk_length(size: int, index: int, chunk: int = CHUNK_BYTES) -> int:
    """Bytes in chunk `index` of a file of `size` bytes (the last one may be shorter)."""
    return min(chunk, size - index * chunk)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
