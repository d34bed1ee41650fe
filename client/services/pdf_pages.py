"""A PDF's pages as images, through PDFium (pypdfium2), for printing and on-screen preview. PDFium is not
thread-safe: one render at a time. Blocking: call off the GUI thread."""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def page_count(pdf: bytes) -> int:
    import pypdfium2
    with _LOCK:
        doc = pypdfium2.PdfDocument(pdf)
        try:
            return len(doc)
        finally:
            doc.close()


def render_pages(pdf: bytes, dpi: int = 150) -> list:  # list[PIL.Image.Image], RGB
    """Every page at `dpi`, white background."""
    import pypdfium2
    with _LOCK:
        doc = pypdfium2.PdfDocument(pdf)
        try:
            return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
        finally:
            doc.close()
