"""The S3-compatible backend (AWS S3, MinIO, Ceph RGW, OSS/COS in S3 mode): one object per name under
`<prefix>/`, in one bucket. boto3 is an optional dependency (`pip install govhall[s3]`), imported only here.

Every failure of the store becomes StorageUnavailable with a reason the operator can act on; only a missing
object is BlobMissing. Timeouts are short and retries few: a request waits at most a few seconds on a dead
endpoint before the API answers 503."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from server.storage.blobs import BlobMissing, StorageUnavailable, check_name

_REASONS = {"NoSuchBucket": "no_bucket", "AccessDenied": "access_denied", "InvalidAccessKeyId": "access_denied",
            "SignatureDoesNotMatch": "access_denied", "AllAccessDisabled": "access_denied",
            "InvalidToken": "access_denied", "ExpiredToken": "access_denied", "AccountProblem": "access_denied"}
_MISSING = {"NoSuchKey", "404", "NotFound"}
_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def client_of(settings) -> object:  # noqa: ANN001 - server.core.settings.Settings
    """One boto3 client per configuration, shared by the threads of the process (clients are thread-safe)."""
    key = (settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key, settings.s3_secret_key,
           settings.s3_addressing_style, settings.s3_timeout_s)
    with _lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config
            config = Config(s3={"addressing_style": settings.s3_addressing_style},
                            connect_timeout=settings.s3_timeout_s, read_timeout=settings.s3_timeout_s,
                            retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=40,
                            # checksums only where S3 demands them: many S3-compatible stores refuse the
                            # CRC trailers newer boto3 sends by default
                            request_checksum_calculation="when_required",
                            response_checksum_validation="when_required")
            client = boto3.session.Session().client(
                "s3", endpoint_url=settings.s3_endpoint_url or None, region_name=settings.s3_region or None,
                aws_access_key_id=settings.s3_access_key or None,
                aws_secret_access_key=settings.s3_secret_key or None, config=config)
            _clients[key] = client
        return client


def _unavailable(exc: Exception) -> StorageUnavailable:
    from botocore.exceptions import ClientError, NoCredentialsError
    if isinstance(exc, NoCredentialsError):
        return StorageUnavailable("no_credentials")
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return StorageUnavailable(_REASONS.get(code, "refused"), code)
    return StorageUnavailable("unreachable", type(exc).__name__)  # connection refused, timeouts, TLS


def _missing(exc: Exception) -> bool:
    from botocore.exceptions import ClientError
    return isinstance(exc, ClientError) and str(exc.response.get("Error", {}).get("Code", "")) in _MISSING


class S3BlobStore:
    def __init__(self, client, bucket: str, prefix: str) -> None:  # noqa: ANN001 - a boto3 S3 client
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def key(self, name: str) -> str:
        return f"{self.prefix}/{check_name(name)}" if self.prefix else check_name(name)

    def put(self, name: str, data: bytes) -> None:
        key = self.key(name)
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data)
        except Exception as exc:  # noqa: BLE001 - every botocore failure means the same to the caller
            raise _unavailable(exc) from exc

    def get(self, name: str) -> bytes:
        key = self.key(name)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception as exc:  # noqa: BLE001
            if _missing(exc):
                raise BlobMissing(name) from None
            raise _unavailable(exc) from exc

    def delete(self, name: str) -> None:
        key = self.key(name)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)  # no error when there is none
        except Exception as exc:  # noqa: BLE001
            raise _unavailable(exc) from exc

    def names(self, prefix: str = "") -> Iterator[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base + prefix)
            for page in pages:
                for item in page.get("Contents", ()):
                    yield item["Key"][len(base):]
        except Exception as exc:  # noqa: BLE001
            raise _unavailable(exc) from exc
