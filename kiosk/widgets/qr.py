"""A QR code as a QPixmap (segno.make_qr: never Micro QR, which phone scanners and zbar cannot all read)."""

from __future__ import annotations

import io

import segno

from gui.qt import QPixmap


def qr_pixmap(data: str, size: int = 240) -> QPixmap:
    buffer = io.BytesIO()
    code = segno.make_qr(data, error="m")
    scale = max(1, size // (code.symbol_size(scale=1)[0]))
    code.save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap
