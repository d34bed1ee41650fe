"""Printing a PDF through the system's printers (QPrinter, chosen in a QPrintDialog or shown in a
QPrintPreviewDialog): PDFium renders the pages (client.services.pdf_pages), QPainter puts each one, scaled to
fit, on a printer page. QPainter may paint on a QPrinter outside the GUI thread, so a real print job runs
on a worker (gui.ops); the preview paints pages rendered beforehand."""

from __future__ import annotations

from gui.qt import QImage, QPageSize, QPainter, QPrinter, QRect, Qt

PRINT_DPI = 300  # enough for the seal and 10.5 pt text; more only makes the spool bigger


def prepare(printer: QPrinter, document_name: str = "") -> QPrinter:
    """A4, the whole sheet: a notice carries its own margins (GB/T 9704), so it prints at 100 % instead of
    shrunk into the driver's default margins. Done before the print dialog, which may still change it."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    if document_name:
        printer.setDocName(document_name)
    return printer


def to_qimage(page) -> QImage:  # noqa: ANN001 - a PIL RGB image
    data = page.tobytes("raw", "RGB")
    return QImage(data, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888).copy()


def paint_pages(images: list[QImage], printer: QPrinter) -> int:
    """Each image on its own page, centred and scaled to the printable area; returns the pages painted."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be opened")
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(area.x() + (area.width() - size.width()) // 2, area.y(), size.width(), size.height())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(images)


def print_pdf(pdf: bytes, printer: QPrinter, dpi: int = PRINT_DPI) -> int:
    """Render and print every page of `pdf` (blocking: run it on a worker)."""
    from client.services.pdf_pages import render_pages
    return paint_pages([to_qimage(p) for p in render_pages(pdf, dpi)], printer)
