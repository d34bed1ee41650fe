"""Exports of archived cases: one case as a folder (its documents under their archive numbers and
manifest.json), the same folder zipped, one case as a single PDF (cover, table of contents, then every
document: PDFs page by page, images one a page), a period's archives as a zip of folders, and a printable
list of a period's archives. Documents are checked against the manifest as they are read: an altered
archive is not exported."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from server.archive.assemble import ArchiveError, read_manifest
from server.archive.models import DISPOSED, CaseArchive
from server.archive.pages import Pages
from server.archive.storage import ArchiveStorage, StoredMissing, StoredUnreadable
from shared.approval.events import CHINA_TZ
from shared.crypto.sm2 import sm3_hex


class ArchiveAltered(ArchiveError):
    code = "archive_altered"


def documents(storage: ArchiveStorage, row: CaseArchive) -> tuple[bytes, dict, list[tuple[dict, bytes]]]:
    """The manifest (bytes and parsed) and each document's entry with its bytes, every one checked."""
    if row.status == DISPOSED:
        raise ArchiveError("the archive was disposed of", code="archive_disposed", archive_no=row.archive_no)
    try:
        body, manifest = read_manifest(storage, row)
        if sm3_hex(body) != row.manifest_sm3:
            raise ArchiveAltered("the manifest changed", archive_no=row.archive_no)
        out = []
        for entry in manifest["documents"]:
            data = storage.get(entry["file"])
            if sm3_hex(data) != entry["sm3"]:
                raise ArchiveAltered("a document changed", archive_no=row.archive_no, document=entry["no"])
            out.append((entry, data))
    except (StoredMissing, StoredUnreadable) as exc:
        raise ArchiveAltered(f"a stored file is missing or altered: {exc}", archive_no=row.archive_no) from None
    return body, manifest, out


def _name(entry: dict) -> str:
    return Path(entry["file"]).name


def export_folder(storage: ArchiveStorage, row: CaseArchive, target: Path) -> Path:
    """<target>/<archive no>/ with the documents and manifest.json; returns that folder."""
    body, _, docs = documents(storage, row)
    folder = target / row.archive_no
    folder.mkdir(parents=True, exist_ok=True)
    for entry, data in docs:
        (folder / _name(entry)).write_bytes(data)
    (folder / "manifest.json").write_bytes(body)
    return folder


def _add_folder(zf: zipfile.ZipFile, storage: ArchiveStorage, row: CaseArchive) -> None:
    body, _, docs = documents(storage, row)
    for entry, data in docs:
        zf.writestr(f"{row.archive_no}/{_name(entry)}", data)
    zf.writestr(f"{row.archive_no}/manifest.json", body)


def export_zip(storage: ArchiveStorage, rows: Iterable[CaseArchive]) -> bytes:
    """One folder per archive, zipped (documents are already compressed: stored, not deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for row in rows:
            _add_folder(zf, storage, row)
    return buf.getvalue()


def _page_counts(docs: list[tuple[dict, bytes]]) -> list[int]:
    import pypdfium2 as pdfium
    counts = []
    for entry, data in docs:
        if entry["mime"] == "application/pdf":
            pdf = pdfium.PdfDocument(data)
            counts.append(len(pdf))
            pdf.close()
        else:
            counts.append(1)
    return counts


def _front(manifest: dict, row: CaseArchive, docs: list[tuple[dict, bytes]], starts: list[int]) -> bytes:
    """Cover and table of contents."""
    p = Pages(f"{row.archive_no} 电子档案", row.built_at)
    p.space(40)
    p.title("行政许可电子档案", size=26)
    p.space(10)
    p.fields([("档案号", row.archive_no), ("办件编号", row.case_number),
              ("事项", f"{manifest.get('item_name', '')}（{row.item_code}）"),
              ("申请人", manifest.get("applicant", "")), ("办结日期", row.closed_on.isoformat()),
              ("归档时间", row.built_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")),
              ("文件数", str(len(docs))), ("保管期限至", row.retention_until.isoformat()),
              ("清单摘要(SM3)", row.manifest_sm3)], size=12)
    p.new_page()
    p.title("卷内目录")
    rows = [(entry["no"], entry["kind_name"], entry["title"], entry["date"], str(start))
            for (entry, _), start in zip(docs, starts)]
    p.table(("文件编号", "类别", "题名", "日期", "页号"), rows, (30, 12, 34, 14, 8))
    return p.bytes()


def _image_pdf(data: bytes, title: str) -> bytes:
    p = Pages(title, text=False)
    p.image_page(data)
    return p.bytes()


def export_pdf(storage: ArchiveStorage, row: CaseArchive) -> bytes:
    """The whole archive as one PDF: cover, contents (with each document's first page), documents."""
    import pypdfium2 as pdfium
    _, manifest, docs = documents(storage, row)
    counts = _page_counts(docs)
    front_pages = 2  # a cover and (usually) one page of contents
    for _ in range(3):  # the contents' own length decides where the documents start
        starts, page = [], front_pages + 1
        for n in counts:
            starts.append(page)
            page += n
        front = _front(manifest, row, docs, starts)
        probe = pdfium.PdfDocument(front)
        actual = len(probe)
        probe.close()
        if actual == front_pages:
            break
        front_pages = actual
    out = pdfium.PdfDocument(front)
    for entry, data in docs:
        source = data if entry["mime"] == "application/pdf" else _image_pdf(data, entry["title"])
        part = pdfium.PdfDocument(source)
        out.import_pages(part)
        part.close()
    buf = io.BytesIO()
    out.save(buf)
    out.close()
    return buf.getvalue()


def period_list_pdf(rows: list[CaseArchive], hall_name: str, start: dt.date, end: dt.date,
                    made_at: dt.datetime) -> bytes:
    """The period's archives as a printable list."""
    p = Pages(f"归档清单 {start}—{end}", made_at)
    p.title(f"{hall_name}电子档案归档清单")
    p.line(f"办结日期：{start.isoformat()} 至 {end.isoformat()}　共 {len(rows)} 卷")
    p.space(2)
    p.table(("序号", "档案号", "办件编号", "事项", "办结日期", "件数", "保管期限至", "状态"),
            [(str(i), r.archive_no, r.case_number, r.item_code, r.closed_on.isoformat(), str(r.document_count),
              r.retention_until.isoformat(), "已销毁" if r.status == DISPOSED else "在库")
             for i, r in enumerate(rows, 1)], (6, 34, 22, 10, 16, 6, 16, 8), size=9)
    return p.bytes()
