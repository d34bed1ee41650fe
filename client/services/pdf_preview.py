"""A PDF's first page as a PNG for an on-screen preview, through poppler's pdftoppm (no PDF engine in the
client's own dependencies). Blocking: run it off the GUI thread."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 20.0


class PreviewUnavailable(RuntimeError):
    """pdftoppm is not installed (poppler-utils) or could not read the PDF."""


def first_page_png(pdf: bytes, dpi: int = 72) -> bytes:
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PreviewUnavailable("pdftoppm not found (install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="govhall-preview-") as folder:
        source, target = Path(folder) / "notice.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        done = subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
                               str(target)], capture_output=True, timeout=TIMEOUT, check=False)
        page = target.with_suffix(".png")
        if done.returncode != 0 or not page.exists():
            raise PreviewUnavailable(done.stderr.decode("utf-8", "replace")[:200] or "pdftoppm failed")
        return page.read_bytes()
