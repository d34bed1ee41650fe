"""The verification QR code as rectangles to draw: vector output stays sharp on any printer and is the same
bytes everywhere (no image encoder in between)."""

from __future__ import annotations

from dataclasses import dataclass

import segno

QUIET_ZONE = 4  # modules of white border the QR standard asks for


@dataclass(frozen=True)
class QrRuns:
    size: int  # modules per side, quiet zone included
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length) of dark modules


def qr_runs(url: str) -> QrRuns:
    # make_qr, never make: make may choose a Micro QR that phone scanners do not read.
    qr = segno.make_qr(url, error="m")
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=QUIET_ZONE)]
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return QrRuns(len(matrix), tuple(runs))
