"""Wire shapes of attachment upload and download (under /api/v1/sync/attachments, device tokens).

PUT  /attachments/{id}                 UploadStart → UploadStatus   (idempotent: says which chunks are there)
PUT  /attachments/{id}/chunks/{index}  raw bytes, header X-Chunk-SHA256 → UploadStatus
GET  /attachments/{id}/content         the whole file, once complete (header X-Content-SHA256)
GET  /attachments/{id}/chunks          DownloadChunks: each chunk's SHA-256, once complete
GET  /attachments/{id}/chunks/{index}  one chunk's bytes (header X-Chunk-SHA256): a cut download resumes
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.protocol.approval import UUID, Name
from shared.protocol.base import Request

PATH = "/attachments"
CHUNK_DIGEST_HEADER = "X-Chunk-SHA256"
CONTENT_DIGEST_HEADER = "X-Content-SHA256"
TABLE = "case_attachment"  # the rows published to workstations when a file is complete


class UploadStart(Request):
    case_id: str = Field(pattern=UUID)
    material: Name
    file_name: Name
    mime: str = Field(max_length=40)
    size: int = Field(ge=0, le=2**40)  # the size limit itself is checked with its own code
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    chunk_bytes: int = Field(ge=64 * 1024, le=4 * 1024 * 1024 - 64 * 1024)
    ordinal: int = Field(default=0, ge=0, le=10_000)


class UploadStatus(BaseModel):
    id: str
    state: str            # uploading / complete
    chunks: int
    have: list[int]       # the chunk indexes the server holds


class DownloadChunks(BaseModel):
    """What a download needs to fetch a complete file chunk by chunk and check each piece it holds."""
    id: str
    size: int
    sha256: str           # the whole file's
    chunk_bytes: int
    digests: list[str]    # SHA-256 of chunk i, in order
