"""`python -m server storage-copy --to s3|file`: copy every stored object (attachments and the archive, as
sealed) from one backend to the other under the same names — what moving a server to an S3 bucket, or off
one, takes before it restarts with the new `storage_backend`. The S3 side is the one the s3_* settings describe
(whatever storage_backend says now); the file side is the data dir. Objects the target already holds with the
same bytes are left as they are, so a copy cut off is run again. Nothing is deleted from the source."""

from __future__ import annotations

import sys

from server.storage import AREAS, BlobMissing, BlobStore, StorageUnavailable, blob_store


def add_parser(sub) -> None:  # noqa: ANN001 - argparse's subparsers
    copy = sub.add_parser("storage-copy", help="copy the stored files (attachments, archive) to the other backend")
    copy.add_argument("--to", required=True, choices=("s3", "file"), help="the backend to copy into")


def copy_objects(source: BlobStore, target: BlobStore) -> tuple[int, int]:
    """(copied, already there); each object read back from the target after it is written."""
    copied = same = 0
    for name in list(source.names()):
        data = source.get(name)
        try:
            if target.get(name) == data:
                same += 1
                continue
        except BlobMissing:
            pass
        target.put(name, data)
        if target.get(name) != data:
            raise StorageUnavailable("refused", f"{name} reads back different bytes")
        copied += 1
    return copied, same


def run(args, settings) -> int:  # noqa: ANN001
    if not settings.s3_bucket:
        print("error: storage-copy needs the S3 store's settings (at least s3_bucket / GOVHALL_S3_BUCKET)",
              file=sys.stderr)
        return 2
    on_file, on_s3 = (settings.model_copy(update={"storage_backend": b}) for b in ("file", "s3"))
    source, target = (on_file, on_s3) if args.to == "s3" else (on_s3, on_file)
    try:
        for area in AREAS:
            copied, same = copy_objects(blob_store(source, area), blob_store(target, area))
            print(f"{area}: {copied} copied, {same} already there")
    except StorageUnavailable as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"done: restart the server with storage_backend = \"{args.to}\"")
    return 0
