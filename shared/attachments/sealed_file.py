"""An attachment sealed at rest, chunk by chunk (SM4-GCM through shared.crypto.sm4): the counter's copy, the
approver's copy and the server's stored chunks all use it, so a chunk is read, sent and checked without opening
the rest of the file.

Layout: b"GHA1", chunk size (u32, big-endian), key id length (u8), key id; then one record per chunk:
nonce (12) | ciphertext | tag (16). Chunk i's associated data is "<place>:<index>": a record copied to another
file or position does not open."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

from shared.attachments.rules import CHUNK_BYTES, chunk_count, chunk_length
from shared.crypto.keys import KeyProvider
from shared.crypto.sm4 import NONCE_BYTES, TAG_BYTES, DecryptionFailed, open_blob, seal_blob

MAGIC = b"GHA1"
OVERHEAD = NONCE_BYTES + TAG_BYTES


def seal_chunk(data: bytes, keys: KeyProvider, place: str, index: int) -> bytes:
    return seal_blob(data, keys, f"{place}:{index}")


def open_chunk(raw: bytes, keys: KeyProvider, key_id: str, place: str, index: int) -> bytes:
    return open_blob(raw, keys, key_id, f"{place}:{index}")


def header(keys: KeyProvider, chunk: int) -> bytes:
    """The file's first bytes: records follow at header length + i * (chunk + OVERHEAD)."""
    key_id = keys.current_key_id.encode()
    return MAGIC + struct.pack(">IB", chunk, len(key_id)) + key_id


def write(target: Path, chunks: Iterator[bytes], keys: KeyProvider, place: str, *, chunk: int = CHUNK_BYTES) -> None:
    """Seal `chunks` (each `chunk` bytes but the last) into `target`, atomically (a crash leaves no half file)."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(target.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(header(keys, chunk))
        for i, data in enumerate(chunks):
            out.write(seal_chunk(data, keys, place, i))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)


def read_file_chunks(source: Path, chunk: int = CHUNK_BYTES) -> Iterator[bytes]:
    with open(source, "rb") as f:
        while data := f.read(chunk):
            yield data


class SealedFile:
    """A sealed file opened for reading: chunk i, or the whole file, checked by GCM."""

    def __init__(self, path: Path, keys: KeyProvider, place: str, size: int) -> None:
        self.path, self.keys, self.place, self.size = path, keys, place, size
        with open(path, "rb") as f:
            head = f.read(9)
            if len(head) < 9 or head[:4] != MAGIC:
                raise DecryptionFailed(f"{path.name} is not a sealed attachment")
            self.chunk, id_len = struct.unpack(">IB", head[4:9])
            self.key_id = f.read(id_len).decode()
            self.start = 9 + id_len

    @property
    def chunks(self) -> int:
        return chunk_count(self.size, self.chunk)

    def read_chunk(self, index: int) -> bytes:
        length = chunk_length(self.size, index, self.chunk) + OVERHEAD
        with open(self.path, "rb") as f:
            f.seek(self.start + index * (self.chunk + OVERHEAD))
            raw = f.read(length)
        return open_chunk(raw, self.keys, self.key_id, self.place, index)

    def iter_chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            f.seek(self.start)
            for i in range(self.chunks):
                raw = f.read(chunk_length(self.size, i, self.chunk) + OVERHEAD)
                yield open_chunk(raw, self.keys, self.key_id, self.place, i)

    def read_all(self) -> bytes:
        return b"".join(self.iter_chunks())
