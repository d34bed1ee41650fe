"""Real small material files for the viewer tests and bench: PDFs drawn with Qt's QPdfWriter (A4 portrait,
a big page number on each page), PNG/JPEG images, and a MaterialSource that serves them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from client.services.material_files import MaterialFile
from gui.qt import QColor, QFont, QImage, QPageSize, QPainter, Qt
from PySide6.QtGui import QPdfWriter


def make_pdf(path: Path, pages: int) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    painter = QPainter(writer)
    for n in range(pages):
        if n:
            writer.newPage()
        painter.setPen(QColor("#1f3b73"))
        painter.drawRect(150, 150, 2180, 3200)
        painter.setFont(QFont("Noto Sans CJK SC", 28))
        painter.drawText(300, 600, f"行政许可申请书　第 {n + 1} 页")
        painter.setFont(QFont("Noto Sans CJK SC", 12))
        for line in range(30):
            painter.drawText(300, 900 + line * 80, f"{line + 1:02d}　申请人承诺所提交的材料真实、有效，并对其真实性负责。")
    painter.end()
    return path


def make_image(path: Path, width: int, height: int) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4efe1"))
    painter = QPainter(image)
    painter.setPen(QColor("#8a1c1c"))
    painter.setFont(QFont("Noto Sans CJK SC", max(12, height // 14)))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, "营业执照（副本）\n扫描件")
    painter.fillRect(0, 0, width // 5, height // 8, QColor("#1f5fa8"))  # a mark in the top-left corner
    painter.end()
    assert image.save(str(path))
    return path


MIME = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


def material(path: Path | None, name: str = "申请书", file_name: str | None = None,
             data: bytes | None = None) -> MaterialFile:
    """The record the counter would have made of `path` as it is now (or of `data`)."""
    data = data if data is not None else path.read_bytes()
    file_name = file_name or (path.name if path else "scan.pdf")
    return MaterialFile(name, file_name, hashlib.sha256(data).hexdigest(), len(data),
                        MIME.get(Path(file_name).suffix, "application/octet-stream"), path)


class FakeSource:
    def __init__(self, by_case: dict[str, list[MaterialFile]] | None = None) -> None:
        self.by_case = by_case or {}
        self.asked: list[str] = []

    def files(self, case_id: str) -> list[MaterialFile]:
        self.asked.append(case_id)
        return list(self.by_case.get(case_id, []))
