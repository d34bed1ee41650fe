"""Where the server keeps files: one interface (`BlobStore`: put / get / delete / names) for every part that stores
bytes — the case attachments and the electronic archive — with two backends chosen by the settings: a folder
under the server's data folder (the default) and an S3-compatible object store (`storage_backend = "s3"`).

What reaches a backend is already sealed by its caller (SM4-GCM under the personal-data keys): the store, and
whoever reads the bucket or the disk, sees ciphertext only. Each user of the store has its own area (the
folder `<data_dir>/<area>`, or the key prefix `[<s3_prefix>/]<area>/`).

Errors: a missing object is `BlobMissing`; a backend that cannot be reached or refuses the server (no bucket,
access denied, endpoint down) is `StorageUnavailable`, which the API answers with 503 `storage_unavailable`."""

from __future__ import annotations

import importlib
from pathlib import Path

from server.storage.blobs import BlobMissing, BlobStore, FileBlobStore, StorageUnavailable, check_name

__all__ = ["AREAS", "BlobMissing", "BlobStore", "FileBlobStore", "StorageUnavailable", "blob_store", "check_name",
           "check_backend"]

AREAS = ("attachments", "archive")


def blob_store(settings, area: str) -> BlobStore:  # noqa: ANN001 - server.core.settings.Settings
    """The store of one area under the configured backend."""
    if area not in AREAS:
        raise ValueError(f"unknown storage area {area!r}")
    if settings.storage_backend == "s3":
        from server.storage.s3 import S3BlobStore, client_of  # boto3 loads only where S3 is configured
        return S3BlobStore(client_of(settings), settings.s3_bucket, "/".join(
            p for p in (settings.s3_prefix.strip("/"), area) if p))
    return FileBlobStore(Path(settings.data_dir) / area)


def check_backend(settings) -> None:  # noqa: ANN001
    """At start: the S3 backend needs boto3 (the `s3` extra); say so then, not at the first upload."""
    if settings.storage_backend == "s3":
        try:
            importlib.import_module("boto3")
        except ImportError:
            raise RuntimeError("storage_backend = s3 needs boto3: pip install 'govhall[s3]'") from None
