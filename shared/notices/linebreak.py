"""Line breaking for Chinese text. fpdf2 breaks at spaces, which Chinese does not have; here any character
boundary may break, except that
- closing punctuation (，。、）》 …) never starts a line and opening punctuation (（《“ …) never ends one
  (禁则, as in GB/T 15834 practice): the character before is carried down with it, or, when that cannot
  work, the punctuation hangs past the line end;
- a run of Latin letters and digits (a case number, a licence number, a URL) stays whole when it fits."""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—％·,.;:?!)]}%")
NO_LINE_END = set("（《「『【〔〈“‘([{")
_MAX_CARRY = 3
_UNITS = re.compile(r"[A-Za-z0-9@#&*+/=_\-.:%]+|.", re.S)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of `text` no wider than `width` (as measured by `measure`), breaking as described above."""
    lines: list[str] = []
    current: list[str] = []
    for unit in _split_long_units(_UNITS.findall(text), width, measure):
        if not current or measure("".join(current) + unit) <= width:
            current.append(unit)
            continue
        kept, carried = current[:], [unit]
        # Carry a few characters down until the break is allowed; never the whole line.
        while len(kept) > 1 and len(carried) <= _MAX_CARRY and _forbidden(kept, carried):
            carried.insert(0, kept.pop())
        if _forbidden(kept, carried) or measure("".join(carried)) > width:
            if unit[0] in NO_LINE_START and measure("".join(current)) <= width:
                current.append(unit)  # hanging punctuation: one mark may stick out
                continue
            kept, carried = current, [unit]  # nothing better possible: break here anyway
        lines.append("".join(kept).rstrip(" "))
        current = carried if carried[0] != " " else carried[1:]
    if current:
        lines.append("".join(current))
    return lines


def _forbidden(kept: list[str], carried: list[str]) -> bool:
    end = "".join(kept).rstrip(" ")[-1:]
    return carried[0][0] in NO_LINE_START or end in NO_LINE_END


def _split_long_units(units: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    out: list[str] = []
    for unit in units:
        if len(unit) > 1 and measure(unit) > width:
            out.extend(unit)  # a run longer than the line may break anywhere
        else:
            out.append(unit)
    return out
