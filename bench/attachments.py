"""Attachment throughput: a 20 MB scan accepted at a counter workstation, uploaded in chunks to the real server
(`python -m server serve`, its own process) on loopback through the product's own client code (AcceptanceService
seals it, AttachmentTransfer uploads it over HttpTransport), then downloaded by an approver's workstation and
kept sealed. Prints the figures, ending with one line:

    seal_s=<s> accept_s=<s> upload_mb_s=<MB/s> download_mb_s=<MB/s> size_mb=<MB> chunks=<n>

seal_s is the sealing of the scan alone (AttachmentFolder.seal_source); accept_s the whole acceptance with it
(numbering, command, the notice PDF).

`--storage s3` keeps the server's files in an S3 bucket instead of its data folder: moto's S3 server in a process
of its own on loopback (moto[s3,server], the dev extra), so the figures compare the two backends.

`python -m bench.attachments [--size-mb 20] [--db sqlite|postgresql] [--storage file|s3]`."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from bench.day import WORKING_DAY
from bench.load_server import API, PASSWORD, LoadServer
from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.auth import StaffSession
from client.services.context import Services, build_services
from client.services.workstation import Workstation
from shared.attachments import rules
from shared.db.cache import open_cache
from shared.sync.tables import attachments as attachment_table

KEYS = {"GOVHALL_PII_KEYS": "k1:00112233445566778899aabbccddeeff",
        "GOVHALL_PII_INDEX_KEY": "0123456789abcdef0123456789abcdef"}  # the bench's own throw-away keys
ID = "11010519491231002X"


def workstation(srv: LoadServer, work: Path, user: str, window: int | None) -> Services:
    device = srv.register("workstation", window, name=f"bench {user}")
    body = requests.post(srv.base + API + "/auth/login", timeout=30,
                         json={"username": user, "password": PASSWORD, "device_id": device.id}).json()
    u = body["user"]
    session = StaffSession(u["username"], u["display_name"], u["staff_no"], tuple(u["roles"]), u.get("hall_id"),
                           u.get("department_id"), body["token"], offline=False)
    data = work / user
    data.mkdir()
    ws = Workstation(data, window_number=window, device_id=device.id, device_token=device.token,
                     server_url=srv.base)
    engine = open_cache(data / "cache.sqlite3", immediate=True)
    return build_services(ws, session, engine, clock=srv.now)  # first pull: the hall, catalogue, staff


@contextlib.contextmanager
def s3_store() -> Iterator[dict[str, str]]:
    """moto's S3 server in its own process on a free loopback port, with a bucket: the server's S3 settings
    (and "objects": how many objects the bucket holds, for the check that the files went there)."""
    import boto3
    from botocore.config import Config

    from tests.live import free_port
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        keys = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench-secret"}
        client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                                config=Config(s3={"addressing_style": "path"}), **keys)
        for _ in range(200):
            try:
                client.create_bucket(Bucket="govhall-bench")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.1)
        yield {"GOVHALL_STORAGE_BACKEND": "s3", "GOVHALL_S3_ENDPOINT_URL": endpoint,
               "GOVHALL_S3_BUCKET": "govhall-bench", "GOVHALL_S3_ACCESS_KEY": keys["aws_access_key_id"],
               "GOVHALL_S3_SECRET_KEY": keys["aws_secret_access_key"], "GOVHALL_S3_PREFIX": "bench",
               "objects": lambda: client.list_objects_v2(Bucket="govhall-bench").get("KeyCount", 0)}
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--storage", choices=("file", "s3"), default="file",
                        help="the server's file storage: its data folder, or an S3 bucket (moto on loopback)")
    args = parser.parse_args(argv)
    size = int(args.size_mb * 1_000_000)
    with tempfile.TemporaryDirectory(prefix="govhall-bench-attach-") as tmp, \
            (s3_store() if args.storage == "s3" else contextlib.nullcontext({})) as storage:
        work = Path(tmp)
        srv = LoadServer(args.db, work, WORKING_DAY)
        srv.env.update(KEYS)
        srv.env.update({k: v for k, v in storage.items() if k.startswith("GOVHALL_")})
        srv.start()
        try:
            counter = workstation(srv, work, "clerk", 1)
            counter.sync.sync_once()  # the day's case numbers
            scan = work / "扫描件.pdf"
            scan.write_bytes(b"%PDF-1.7\n" + os.urandom(size - 9))
            choice = next(c for c in counter.catalogue.choices
                          if c.situations and any(r for _, r in c.situations[0].materials))
            situation = choice.situations[0]
            received = tuple(name for name, _ in situation.materials)
            app = Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True), received,
                              attachments={received[0]: (str(scan),)})
            started = time.perf_counter()
            counter.acceptance.attachments.seal_source("bench-seal", received[0], scan)
            seal_s = time.perf_counter() - started
            started = time.perf_counter()
            outcome = counter.acceptance.accept(app)
            accept_s = time.perf_counter() - started
            counter.sync.sync_once()  # the 收件 command goes up first
            started = time.perf_counter()
            uploaded = counter.attachment_sync.transfer.upload_pending()
            upload_s = time.perf_counter() - started
            with counter.engine.connect() as conn:
                row = conn.execute(attachment_table.select()).first()
            assert uploaded == 1 and row.state == "done", (uploaded, row)
            if "objects" in storage:  # the chunks are in the bucket, not in the server's data folder
                assert storage["objects"]() == rules.chunk_count(size), storage["objects"]()
                assert not (work / "attachments").exists()

            approver = workstation(srv, work, "approver", None)
            approver.sync.sync_once()
            started = time.perf_counter()
            fetched = approver.attachment_sync.transfer.download_pending()
            download_s = time.perf_counter() - started
            same = approver.attachments.read(outcome.case_id, hashlib.sha256(scan.read_bytes()).hexdigest())
            assert fetched == 1 and same == scan.read_bytes(), "the approver's copy differs"
            approver.attachments.close()
        finally:
            srv.stop_server()
    mb = size / 1_000_000
    chunks = rules.chunk_count(size)
    print(f"scan: {mb:.1f} MB in {chunks} chunks of {rules.CHUNK_BYTES // 1024} KiB ({args.db} server, files in "
          f"{'an S3 bucket (moto)' if args.storage == 's3' else 'its data folder'}, loopback)")
    print(f"counter seals it: {seal_s:.2f} s (the whole acceptance with it {accept_s:.2f} s); upload "
          f"{upload_s:.2f} s; approver download (fetch, check, seal) {download_s:.2f} s")
    print(f"seal_s={seal_s:.2f} accept_s={accept_s:.2f} upload_mb_s={mb / upload_s:.1f} download_mb_s={mb / download_s:.1f} "
          f"size_mb={mb:.1f} chunks={chunks} storage={args.storage}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
