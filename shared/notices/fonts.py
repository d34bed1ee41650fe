"""The Chinese fonts notices are set in. Noto Serif CJK (Debian fonts-noto-cjk) is a 宋体-style face, the
usual choice for official documents; fpdf2 embeds its CFF outlines as a subset. The Simplified Chinese face
is picked from the collection by name, not by a fixed index, so a re-ordered .ttc cannot silently switch to
Japanese glyph shapes.

Byte-identical notices on server and client need the same font file on both: the font's version is written
into the PDF's Creator entry so a difference can be traced."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shared.notices.errors import FontNotFound

_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk")
_REGULAR = ("NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc")
_BOLD = ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc")


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int    # face number inside a .ttc collection (0 for a single font)
    version: str  # name table entry 5, e.g. "Version 2.001"


@dataclass(frozen=True)
class NoticeFonts:
    regular: FontFace
    bold: FontFace

    def describe(self) -> str:
        return f"{self.regular.path.name}#{self.regular.index} {self.regular.version}"


@functools.cache
def default_fonts() -> NoticeFonts:
    """The fonts in GOVHALL_FONT_DIR (the folder the Qt clients also search) or the Debian/Fedora folders."""
    extra = os.environ.get("GOVHALL_FONT_DIR")
    return find_fonts(((extra,) if extra else ()) + _DIRS)


def find_fonts(folders: Iterable[str | Path]) -> NoticeFonts:
    """Regular and bold faces from the first folder that has both; FontNotFound otherwise."""
    folders = [Path(f) for f in folders]
    for folder in folders:
        for regular, bold in zip(_REGULAR, _BOLD):
            if (folder / regular).is_file() and (folder / bold).is_file():
                return NoticeFonts(face(folder / regular), face(folder / bold))
    raise FontNotFound([str(d / n) for d in folders for n in _REGULAR])


def face(path: Path, script: str = "SC") -> FontFace:
    """The face for `script` in a collection (matched on the family name), or the font itself."""
    from fontTools.ttLib import TTCollection, TTFont  # only when a notice is rendered (not in an idle server)
    if path.suffix.lower() != ".ttc":
        return FontFace(path, 0, (TTFont(path, lazy=True)["name"].getDebugName(5) or "").split(";")[0])
    collection = TTCollection(path, lazy=True)
    for i, font in enumerate(collection.fonts):
        family = font["name"].getDebugName(1) or ""
        if family.split()[-1:] == [script]:
            return FontFace(path, i, (font["name"].getDebugName(5) or "").split(";")[0])
    raise FontNotFound([f"{path} (no {script} face)"])
