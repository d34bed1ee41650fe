"""A picture of what the printer simulator received: the ESC/POS commands drivers/printer/render.py sends
(init, Chinese mode, alignment, character size, feed, cut, native QR) played onto an 80 mm (576-dot) paper
image, so a person can look at a printed ticket. Text lines are GB18030; raster lines are not drawn."""

from __future__ import annotations

import io
from pathlib import Path

WIDTH = 576  # dots across 80 mm paper at 203 dpi


def lines_of(job: bytes) -> list[tuple]:
    """("text", text, size, align) and ("qr", data) entries, in order."""
    out: list[tuple] = []
    i, size, align, cur = 0, 1, 0, bytearray()
    while i < len(job):
        b = job[i]
        if b == 0x1B and i + 1 < len(job):
            op = job[i + 1]
            if op == 0x40:
                i += 2
            elif op == 0x61:
                align, i = job[i + 2], i + 3
            elif op == 0x64:
                out += [("text", "", 1, align)] * job[i + 2]
                i += 3
            else:
                i += 2
        elif b == 0x1C:
            i += 2
        elif b == 0x1D and i + 1 < len(job):
            op = job[i + 1]
            if op == 0x21:
                size, i = (job[i + 2] & 0x0F) + 1, i + 3
            elif op == 0x28 and job[i + 2] == 0x6B:
                n = job[i + 3] | (job[i + 4] << 8)
                data = bytes(job[i + 5:i + 5 + n])
                if data[:3] == b"1P0":
                    out.append(("qr", data[3:]))
                i += 5 + n
            else:
                i += 3
        elif b == 0x0A:
            out.append(("text", cur.decode("gb18030", errors="replace"), size, align))
            cur, i = bytearray(), i + 1
        else:
            cur.append(b)
            i += 1
    return out


def save_png(job: bytes, path: Path) -> Path:
    import segno
    from gui.qt import QColor, QFont, QImage, QPainter, QRect, Qt

    entries = lines_of(job)
    heights = [26 * e[2] + 8 if e[0] == "text" else 220 for e in entries]
    image = QImage(WIDTH, sum(heights) + 40, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    y = 20
    for entry, height in zip(entries, heights):
        if entry[0] == "qr":
            buffer = io.BytesIO()
            segno.make_qr(entry[1]).save(buffer, kind="png", scale=4, border=1)
            qr = QImage.fromData(buffer.getvalue())
            painter.drawImage((WIDTH - qr.width()) // 2, y + (height - qr.height()) // 2, qr)
        else:
            _, text, size, align = entry
            font = QFont()
            font.setPixelSize(24 * size)
            font.setBold(size > 1)
            painter.setFont(font)
            painter.setPen(QColor("black"))
            flags = {0: Qt.AlignmentFlag.AlignLeft, 1: Qt.AlignmentFlag.AlignHCenter,
                     2: Qt.AlignmentFlag.AlignRight}.get(align, Qt.AlignmentFlag.AlignLeft)
            painter.drawText(QRect(12, y, WIDTH - 24, height), flags | Qt.AlignmentFlag.AlignVCenter, text)
        y += height
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path), "PNG"), path
    return path
