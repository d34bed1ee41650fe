"""The approver's material viewer on a 30-page PDF, through the product's own widget (offscreen): the time from
opening the file (read, SHA-256 check, load) until the first page is on screen, and the time to page through all
30 pages with 下一页 (each page counted when it is on screen), with the worst GUI-thread stall meanwhile. Two
PDFs: typed text (vector pages) and a scan (a photographed page image on every page, as counters make them).

    python -m bench.viewer [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.client_gui import Watchdog, _wait


def _scan_pdf(path: Path, pages: int) -> Path:
    """A4 pages as a scanner makes them: each page a 200 dpi JPEG (quality 75) of a greyish page with text and
    paper grain, embedded as it is (fpdf2 does not recompress JPEG)."""
    import random

    from fpdf import FPDF

    from gui.qt import QBrush, QColor, QFont, QImage, QPainter, QRect, Qt
    rng = random.Random(15)
    # paper grain as one textured fill (a loop of small Qt calls would also hit PySide6 6.12's None refcount bug
    # on Python 3.11)
    noise = bytes(196 + b % 48 for b in rng.randbytes(256 * 256))
    grain = QBrush(QImage(noise, 256, 256, 256, QImage.Format.Format_Grayscale8).copy())
    pdf = FPDF(unit="mm", format="A4")
    for n in range(pages):
        image = QImage(1654, 2339, QImage.Format.Format_RGB32)
        image.fill(QColor(238, 236, 228))
        p = QPainter(image)
        p.fillRect(image.rect(), grain)
        p.setFont(QFont("Noto Sans CJK SC", 48))
        p.drawText(QRect(0, 160, 1654, 110), Qt.AlignmentFlag.AlignCenter, f"营业执照（副本）　第 {n + 1} 页")
        p.setFont(QFont("Noto Sans CJK SC", 24))
        for line in range(24):
            p.drawText(160, 400 + line * 75, f"统一社会信用代码 91441900MA5{line:03d}XYZ　住所：东莞市南城街道鸿福路{line}号")
        p.end()
        jpeg = path.with_name(f"page-{n}.jpg")
        image.save(str(jpeg), "JPEG", 75)
        pdf.add_page()
        pdf.image(str(jpeg), x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


def _run(app, ops, file, Dialog) -> tuple[float, list[float], float]:  # noqa: ANN001, N803
    """(seconds to the first page, seconds per further page, worst GUI stall in seconds) for one opening."""
    from gui.qt import QTimer
    watchdog = Watchdog(QTimer)
    began = time.perf_counter()
    dialog = Dialog(ops, [file], "bench")
    dialog.resize(1366, 768)
    dialog.show()
    viewer = dialog.viewer
    _wait(app, lambda: viewer.shown is not None and viewer.shown.page == 0)
    first = time.perf_counter() - began
    _wait(app, lambda: not viewer._refit.isActive())  # a fit to the final size, if any, is not paging
    pages = []
    for page in range(1, viewer.doc.page_count):
        began = time.perf_counter()
        viewer.next_page()
        _wait(app, lambda page=page: viewer.shown is not None and viewer.shown.page == page)
        pages.append(time.perf_counter() - began)
    stall = watchdog.worst
    watchdog.timer.stop()
    dialog.close()
    ops.wait()
    app.processEvents()
    return first, pages, stall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from client.widgets.material_viewer import MaterialViewerDialog
    from gui.fonts import apply_chinese_font
    from gui.ops import Ops
    from gui.qt import QApplication
    from tests.gui.material_support import make_pdf, material

    app = QApplication.instance() or QApplication([])
    apply_chinese_font(app)
    ops = Ops()
    summary = []
    with tempfile.TemporaryDirectory(prefix="govhall-bench-viewer-") as tmp:
        for kind, build in (("text", make_pdf), ("scan", _scan_pdf)):
            path = build(Path(tmp) / f"{kind}.pdf", 30)
            file = material(path)
            firsts, totals, per_page, stalls = [], [], [], []
            for _ in range(args.runs):
                first, pages, stall = _run(app, ops, file, MaterialViewerDialog)
                firsts.append(first)
                totals.append(sum(pages))
                per_page += pages
                stalls.append(stall)
            open_ms, total_s = statistics.median(firsts) * 1000, statistics.median(totals)
            p50 = statistics.median(per_page) * 1000
            worst = max(per_page) * 1000
            print(f"{kind}: 30 pages, {file.size / 1e6:.2f} MB; open to first page {open_ms:.0f} ms (median of "
                  f"{args.runs}; min {min(firsts) * 1000:.0f}, max {max(firsts) * 1000:.0f}); paging through "
                  f"29 more pages {total_s:.2f} s (page p50 {p50:.0f} ms, max {worst:.0f} ms); worst GUI stall "
                  f"{max(stalls) * 1000:.0f} ms", flush=True)
            summary.append(f"{kind}_open_ms={open_ms:.0f} {kind}_page_through_s={total_s:.2f}")
    print(" ".join(summary))


if __name__ == "__main__":
    main()
