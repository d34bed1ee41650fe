"""Line breaking for Chinese text. fpdf2 breaks at spaces, which Chinese does not have; here any character
boundary may break, except that
- closing punctuation (，。、）》 …) never starts a line and opening punctuation (（《“ …) never ends one
  (禁则, as in GB/T 15834 practice): the character before is carried down with it;
- a run of Latin letters and digits (a case number, a licence number, a URL) stays whole when it fits."""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—％·,.;:?!)]}%")
NO_LINE_END = set("（《「『【〔〈“‘([{")
_UNITS = re.compile(r"[A-Za-z0-9@#&*+/=_\-.:%]+|.", re.S)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of `text` no wider than `width` (as measured by `measure`), breaking as described above."""
    lines: list[str] = []
    current: list[str] = []
    for unit in _split_long_units(_UNITS.findall(text), width, measure):
        if not current or measure("".join(current) + unit) <= width:
            current.append(unit)
            continue
        carried = [unit]
        # Carry characters down until the break is allowed (never the whole line).
        while len(current) > 1 and (carried[0][0] in NO_LINE_START or current[-1][-1] in NO_LINE_END):
            carried.insert(0, current.pop())
        lines.append("".join(current).rstrip(" "))
        current = carried if carried[0] != " " else carried[1:]
    if current:
        lines.append("".join(current))
    return lines


def _split_long_units(units: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    out: list[str] = []
    for unit in units:
        if len(unit) > 1 and measure(unit) > width:
            out.extend(unit)  # a run longer than the line may break anywhere
        else:
            out.append(unit)
    return out
