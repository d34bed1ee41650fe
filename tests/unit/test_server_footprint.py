"""The server process stays small: what it does not need to answer requests is not imported. Qt and OpenCV
never load in the server; the PDF stack (fpdf2 with numpy and Pillow, fontTools) loads with the first notice
rendered, alembic only in the child that `serve` migrates in, `requests` (about 4 MiB) with an HTTP SMS gateway
and segno with the first citizen booking."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEVER_AT_START = ("PySide6", "cv2", "pyzbar", "fpdf", "numpy", "PIL", "fontTools", "alembic", "mako", "requests", "segno")


def test_the_serving_process_does_not_import_heavy_modules_it_does_not_use() -> None:
    code = ("import sys, server.__main__, server.main, server.runtime, server.sync.pg_wakeups; "
            f"print(' '.join(m for m in {NEVER_AT_START!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == []

