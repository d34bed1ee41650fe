"""Adding the CJK faces to a notice without parsing them again for every document.

fpdf2's `add_font` reads the face's metrics and character map (about half a notice's CPU time for a 65,000-glyph
Noto CJK face). Those are the same for every document, so the first document's parsed font is kept as a
prototype and each later document gets a copy sharing its read-only parts (character map, widths, glyph ids,
descriptor) with fresh per-document state: the subset of glyphs used and its own fontTools TTFont, which
fpdf2 subsets in place when the PDF is written. The bytes are exactly those a fresh `add_font` gives
(tests/notices/test_fonts.py compares them), so a counter client and the server still print the same PDF.

Relies on fpdf2's TTFFont attributes (see its own `__deepcopy__`, which shares the same ones)."""

from __future__ import annotations

import threading

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from shared.notices.fonts import FontFace

_SHARED = ("type", "ttffile", "scale", "name", "up", "ut", "sp", "ss", "emphasis", "is_compressed", "is_cff",
           "is_cid_keyed", "is_symbol", "cff_ros", "collection_font_number", "cmap", "desc", "cw", "glyph_ids",
           "palette_index", "color_font")
_DROPPED_LAYOUT = ("GDEF", "GSUB", "GPOS")  # in fpdf2's subset options' drop_tables
# Of a CID-keyed CFF face fpdf2 embeds the subset's 'CFF ' table alone; these tables would still be decompiled
# and subset for every document (the 65,000-glyph cmap and metrics: about 40% of a notice's CPU time) although
# no byte of them reaches the PDF (widths come from the shared `cw`, the character map from the shared
# `cmap`).
_NOT_EMBEDDED_WITH_CFF = ("cmap", "hmtx", "vmtx", "vhea", "VORG", "OS/2")
_prototypes: dict[tuple[str, int], TTFFont] = {}
_lock = threading.Lock()


def _prototype(face: FontFace) -> TTFFont:
    key = (str(face.path), face.index)
    with _lock:
        found = _prototypes.get(key)
        if found is None:
            scratch = FPDF()
            scratch.add_font("prototype", fname=str(face.path), collection_font_number=face.index)
            found = _prototypes[key] = scratch.fonts["prototype"]
            if found.color_font is not None:  # colour fonts carry per-document glyph state: not shareable
                del _prototypes[key]
        return found


def add_face(pdf: FPDF, family: str, face: FontFace) -> TTFFont:
    """Like `pdf.add_font(family, fname=face.path, collection_font_number=face.index)` for style ""."""
    proto = _prototype(face)
    if proto.color_font is not None:
        pdf.add_font(family, fname=str(face.path), collection_font_number=face.index)
        return pdf.fonts[family]
    font = TTFFont.__new__(TTFFont)
    for name in _SHARED:
        setattr(font, name, getattr(proto, name))
    font.i = len(pdf.fonts) + 1
    font.fontkey = family
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.ttfont = TTFont(str(face.path), recalcTimestamp=False, fontNumber=face.index, lazy=True)
    if font.is_compressed:
        font.ttfont.flavor = None  # as add_font: embed plain SFNT
    dropped = _DROPPED_LAYOUT + (_NOT_EMBEDDED_WITH_CFF if font.is_cff and font.is_cid_keyed else ())
    for tag in dropped:
        # fpdf2 drops these from the subset anyway, or does not embed them; fontTools would still decompile
        # them
        if tag in font.ttfont:
            del font.ttfont[tag]
    font.subset = SubsetMap(font)
    pdf.fonts[family] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")  # what add_font does for CID-keyed CFF
    return font
