"""Time to build the electronic archive of a finished case with 20 materials, and to export it as one PDF.

    python -m bench.archive [--materials 20]

A demo server in process (SQLite in a temporary folder) takes a licence case through to 办结 over its sync API,
its 收件 listing 20 scans as a counter makes them — JPEG photos and PDFs of 1–3 JPEG pages, ~300 KB to 2 MB each
(grey paper grain, text lines; made with OpenCV before the clock starts) — which the counter's device then
uploads over the attachment API in 1 MB chunks, sealed into the server's file storage as in production.
Timed through the product's code: build_archive (the real providers: the uploaded scans read back and checked,
the certificate; numbering, SM4-GCM sealing, SM3 manifest, SM2 signature, commit), verify_archive, export_pdf
(cover, contents, every page). Last line:

    build_s=<s> verify_s=<s> export_pdf_s=<s> documents=<n> materials_mb=<MB> pages=<n> pdf_mb=<MB>
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import tempfile
import time
import uuid
from pathlib import Path


def _scan(rng: random.Random, dpi: int, grain: int, quality: int) -> bytes:
    import cv2
    import numpy as np
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    page = np.full((h, w), 232, np.uint8)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, grain, (h, w))
    page = np.clip(page + noise, 0, 255).astype(np.uint8)
    scale = dpi / 100
    for line in range(28):
        y = int((150 + line * 95) * scale / 2)
        cv2.putText(page, f"91441900MA5{line:03d}XYZ  No.{rng.randrange(10**6):06d}  Dongguan", (int(60 * scale), y),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale, 40, max(1, int(scale)), cv2.LINE_AA)
    ok, jpeg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return jpeg.tobytes()


def _pdf_of(jpegs: list[bytes]) -> bytes:
    import io

    from fpdf import FPDF
    pdf = FPDF(unit="mm", format="A4")
    for jpeg in jpegs:
        pdf.add_page()
        pdf.image(io.BytesIO(jpeg), x=0, y=0, w=210, h=297)  # embedded as it is (no recompression)
    return bytes(pdf.output())


def scans(count: int, seed: int = 15) -> list[tuple[str, bytes, str]]:
    """(title, bytes, mime): every third a PDF of 1-3 pages, the rest JPEG photos; ~0.3-2 MB each."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        dpi, grain, quality = rng.choice([(150, 12, 80), (200, 12, 80), (200, 18, 85), (150, 20, 85)])
        if n % 3 == 2:
            pages = [_scan(rng, 120, grain, 75) for _ in range(rng.randint(1, 3))]
            out.append((f"申请材料{n + 1}（扫描件）", _pdf_of(pages), "application/pdf"))
        else:
            out.append((f"申请材料{n + 1}（照片）", _scan(rng, dpi, grain, quality), "image/jpeg"))
    return out


CHUNK = 1024 * 1024


def _upload(http, headers: dict, case_id: str, ordinal: int, declared: dict, data: bytes,  # noqa: ANN001
            mime: str) -> None:
    """What the counter's attachment thread does for one scan: announce it, then send its chunks."""
    from shared.protocol.attachments import CHUNK_DIGEST_HEADER, PATH
    url = f"/api/v1/sync{PATH}/{uuid.uuid4()}"
    begun = http.put(url, headers=headers, json={**declared, "case_id": case_id, "mime": mime,
                                                 "chunk_bytes": CHUNK, "ordinal": ordinal})
    assert begun.status_code == 200, begun.text
    for index in range(begun.json()["chunks"]):
        part = data[index * CHUNK:(index + 1) * CHUNK]
        put = http.put(f"{url}/chunks/{index}", content=part, headers={
            **headers, "Content-Type": "application/octet-stream",
            CHUNK_DIGEST_HEADER: hashlib.sha256(part).hexdigest()})
        assert put.status_code == 200, put.text
    assert put.json()["state"] == "complete", put.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--materials", type=int, default=20)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from server.archive.assemble import build_archive, verify_archive
    from server.archive.domain import storage_of
    from server.archive.export import export_pdf
    from server.archive.models import CaseArchive
    from server.core.settings import Settings
    from server.main import create_app
    from server.store.database import Database
    from server.sync.reference import publish_all_halls
    from shared.demo.loader import load_demo
    from tests.approval_server.support import REQUIRED, TEST_KEYS, add_staff, finish_licence_case, open_desk
    from tests.fixtures.server import FakeClock

    for name, value in TEST_KEYS.items():
        os.environ.setdefault(name, value)
    materials = scans(args.materials)
    sizes = [len(m[1]) for m in materials]
    print(f"materials: {len(materials)} files, {min(sizes) / 1e6:.2f}-{max(sizes) / 1e6:.2f} MB, "
          f"{sum(sizes) / 1e6:.1f} MB in all")
    with tempfile.TemporaryDirectory(prefix="govhall-archive-bench-") as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, password_iterations=1000, demo_mode=True)
        database = Database.from_settings(settings)
        database.migrate()
        clock = FakeClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))
        with database.session() as session:
            load_demo(session, password_iterations=1000)
            publish_all_halls(session, clock())
        add_staff(database)
        app = create_app(settings, database=database, clock=clock)
        with TestClient(app) as client:
            admin = client.post("/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"}).json()
            headers = {"Authorization": f"Bearer {admin['token']}"}
            from shared.db.models import Hall
            with database.session() as s:
                hall_id = s.query(Hall.id).filter(Hall.code == "DG-HALL-1").scalar()
            desks = {u: open_desk(client, headers, hall_id, u)
                     for u in ("clerk", "reviewer", "verifier", "head", "officer")}
            names = [f"{title}.{'pdf' if mime == 'application/pdf' else 'jpg'}" for title, _, mime in materials]
            files = tuple({"material": REQUIRED[n % len(REQUIRED)], "file_name": names[n],
                           "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                          for n, (_, data, _) in enumerate(materials))
            case_id = finish_licence_case(desks, client, files=files)
            for n, ((_, data, mime), declared) in enumerate(zip(materials, files)):
                _upload(client, desks["clerk"].headers, case_id, n, declared, data, mime)

        storage = storage_of(settings)
        began = time.perf_counter()
        with database.session() as session:
            build_archive(session, case_id, clock(), storage, data_dir)
        build_s = time.perf_counter() - began
        with database.session() as session:
            row = session.get(CaseArchive, case_id)
            began = time.perf_counter()
            report = verify_archive(storage, row)
            verify_s = time.perf_counter() - began
            assert report.ok, report.as_dict()
            began = time.perf_counter()
            pdf = export_pdf(storage, row)
            export_s = time.perf_counter() - began
            import pypdfium2 as pdfium
            doc = pdfium.PdfDocument(pdf)
            pages = len(doc)
            doc.close()
            print(f"archive {row.archive_no}: {row.document_count} documents")
        out = Path(os.environ.get("GOVHALL_BENCH_OUT", tempfile.gettempdir())) / "archive-bench-export.pdf"
        out.write_bytes(pdf)
        print(f"single PDF written to {out}")
    print(f"build_s={build_s:.2f} verify_s={verify_s:.2f} export_pdf_s={export_s:.2f} "
          f"documents={row.document_count} materials_mb={sum(sizes) / 1e6:.1f} pages={pages} "
          f"pdf_mb={len(pdf) / 1e6:.1f}")


if __name__ == "__main__":
    main()
