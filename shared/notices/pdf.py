"""Lay a FilledNotice out on A4 with fpdf2. Layout follows GB/T 9704-2012 loosely: title centred, number line,
body with two-character indents, signature block bottom right with room for the seal; the verification QR
code sits in the top right corner of the first page.

Output is deterministic: the creation date comes from the notice's date, fpdf2 derives the file ID from the
content, and font subsets are built from the glyphs used, so the same inputs give the same bytes anywhere the
same fpdf2 and font versions are installed."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from shared.china_time import CHINA_TZ
from shared.notices.embedding import add_face
from shared.notices.errors import UnprintableCharacter
from shared.notices.fill import FilledFields, FilledNotice, FilledParagraph, FilledTable
from shared.notices.fonts import NoticeFonts
from shared.notices.linebreak import break_lines
from shared.notices.qr import qr_runs

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 28.0, 26.0, 25.0, 22.0
CONTENT_W = PAGE_W - LEFT - RIGHT
QR_SIZE = 24.0
PT = 25.4 / 72  # mm per point
BODY_PT, TITLE_PT, TABLE_PT, SMALL_PT = 14, 22, 12, 9
CELL_PAD = 1.3
FIELD_WIDTHS = (1.0, 3.2)  # label : value
SIGNATURE_GAP = 8.0  # room above the office name for the seal, which overlaps name and date
SEAL_MM = 40.0  # a round official seal's diameter (42 mm at most), drawn over the office name and date


def render_pdf(notice: FilledNotice, fonts: NoticeFonts, issue_date: dt.date, seal_png: bytes | None = None) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime.combine(issue_date, dt.time(), CHINA_TZ))
    pdf.set_creator(f"GovHall notices; {fonts.describe()}")
    pdf.set_title(notice.title)
    pdf.set_lang("zh-CN")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(False)  # pages are broken here, line by line, so nothing is ever cut
    add_face(pdf, "body", fonts.regular)  # pdf.add_font, without parsing the face again for each notice
    add_face(pdf, "title", fonts.bold)
    for font in pdf.fonts.values():
        # Keep the full font's bounding box instead of recomputing it from every subset glyph's outline:
        # still a valid (larger) box, and it saves about a third of the render time.
        font.ttfont.recalcBBoxes = False
    _check_glyphs(pdf, notice)
    pdf.add_page()
    _Writer(pdf, seal_png).write(notice)
    _footers(pdf, notice)
    return bytes(pdf.output())


def _check_glyphs(pdf: FPDF, notice: FilledNotice) -> None:
    # fpdf2 would draw an empty box for a character the font lacks; refuse instead.
    printable = pdf.fonts["body"].cmap.keys() & pdf.fonts["title"].cmap.keys()
    missing = {c for c in notice.text() if not c.isspace() and ord(c) not in printable}
    if missing:
        raise UnprintableCharacter(missing)


def _footers(pdf: FPDF, notice: FilledNotice) -> None:
    # Drawn once the page count is known (fpdf2's {nb} alias is not substituted in CID-keyed fonts).
    last = pdf.page
    pdf.set_font("body", size=SMALL_PT)
    for page in range(1, last + 1):
        pdf.page = page
        label = notice.page_footer(page, last)
        pdf.text(PAGE_W / 2 - pdf.get_string_width(label) / 2, PAGE_H - 14, label)
    pdf.page = last


@dataclass(frozen=True)
class _Row:
    lines: tuple[tuple[str, ...], ...]  # per cell
    height: float
    lh: float
    family: str


class _Writer:
    def __init__(self, pdf: FPDF, seal_png: bytes | None = None) -> None:
        self.pdf = pdf
        self.seal_png = seal_png
        self.y = TOP

    def write(self, n: FilledNotice) -> None:
        self._qr(n.verification_url, n.qr_caption)
        if n.copy_label:
            self._line(n.copy_label, LEFT, 14.0, SMALL_PT + 1)
        self.y = 34.0
        self._centred(n.title, TITLE_PT, "title")
        self.y += 3
        self._right(n.number_line, TABLE_PT, LEFT + CONTENT_W)
        self.y += 4
        addressee = n.addressee
        for block in n.blocks:
            if isinstance(block, FilledParagraph) and addressee:
                self.y += 2
                self._paragraph(addressee, indent=False)  # the salutation opens the body text
                addressee = None
            if block is n.blocks[-1] and isinstance(block, FilledParagraph):
                # Keep the closing paragraph with the signature: a signature alone on a page proves nothing.
                self._need(self._paragraph_height(block.text, block.indent) + self._signature_height(n.signature))
            if isinstance(block, FilledParagraph):
                self._paragraph(block.text, block.indent)
            elif isinstance(block, FilledFields):
                self._grid(None, block.rows, FIELD_WIDTHS, shade_first_column=True)
            elif isinstance(block, FilledTable):
                self._grid(block.headers, block.rows, block.widths)
            self.y += 2
        if addressee:
            self._paragraph(addressee, indent=False)
        self._signature(n.signature)

    # --- text primitives --------------------------------------------------------------------------------

    def _font(self, size: float, family: str = "body") -> float:
        self.pdf.set_font(family, size=size)
        return size * PT * 1.55  # line height: CJK needs more leading than Latin text

    def _line(self, text: str, x: float, top: float, size: float, family: str = "body", lh: float | None = None,
              spacing: float = 0.0) -> None:
        lh = lh or self._font(size, family)
        self.pdf.set_font(family, size=size)
        self.pdf.set_char_spacing(spacing / PT)  # fpdf2 takes points here (PDF Tc operator)
        self.pdf.text(x, top + lh / 2 + 0.36 * size * PT, text)
        self.pdf.set_char_spacing(0)

    def _need(self, height: float) -> bool:
        """Start a new page when `height` does not fit; True when it did."""
        if self.y + height <= PAGE_H - BOTTOM:
            return False
        self.pdf.add_page()
        self.y = TOP
        return True

    def _centred(self, text: str, size: float, family: str) -> None:
        lh = self._font(size, family)
        for line in break_lines(text, CONTENT_W, self.pdf.get_string_width):
            self._line(line, LEFT + (CONTENT_W - self.pdf.get_string_width(line)) / 2, self.y, size, family, lh)
            self.y += lh

    def _right(self, text: str, size: float, right_edge: float) -> None:
        lh = self._font(size)
        for line in break_lines(text, CONTENT_W, self.pdf.get_string_width):
            self._line(line, right_edge - self.pdf.get_string_width(line), self.y, size, lh=lh)
            self.y += lh

    def _paragraph_lines(self, text: str, indent: bool) -> list[str]:
        self._font(BODY_PT)
        prefix = "\u3000\u3000" if indent else ""  # two ideographic spaces: the customary indent
        return break_lines(prefix + text, CONTENT_W, self.pdf.get_string_width)

    def _paragraph_height(self, text: str, indent: bool) -> float:
        return len(self._paragraph_lines(text, indent)) * self._font(BODY_PT)

    def _paragraph(self, text: str, indent: bool) -> None:
        lines = self._paragraph_lines(text, indent)
        lh = self._font(BODY_PT)
        em = BODY_PT * PT
        for i, line in enumerate(lines):
            self._need(lh)
            spacing = 0.0
            if i < len(lines) - 1 and len(line) > 1:
                # Justify by spreading the slack between characters, unless a long Latin run left a big gap.
                slack = CONTENT_W - self.pdf.get_string_width(line)
                spacing = slack / (len(line) - 1) if slack < em * 2 else 0.0
            self._line(line, LEFT, self.y, BODY_PT, lh=lh, spacing=spacing)
            self.y += lh

    # --- tables -----------------------------------------------------------------------------------------

    def _grid(self, headers: Sequence[str] | None, rows: Sequence[Sequence[str]], widths: Sequence[float],
              shade_first_column: bool = False) -> None:
        total = sum(widths)
        cols = [CONTENT_W * w / total for w in widths]
        head = self._wrap(headers, cols, header=True) if headers is not None else None
        for i, cells in enumerate(rows):
            row = self._wrap(cells, cols, header=False)
            # A header is never left alone at the foot of a page, and is repeated on each new page.
            new_page = self._need(row.height + (head.height if head and i == 0 else 0))
            if head and (i == 0 or new_page):
                self._draw(head, cols, shade_first_column=False)
            self._draw(row, cols, shade_first_column)

    def _wrap(self, cells: Sequence[str], cols: Sequence[float], header: bool) -> _Row:
        family = "title" if header else "body"
        lh = self._font(TABLE_PT, family) * 0.9
        lines = tuple(tuple(break_lines(text, w - 2 * CELL_PAD, self.pdf.get_string_width) or [""])
                      for text, w in zip(cells, cols))
        return _Row(lines, max(len(c) for c in lines) * lh + 2 * CELL_PAD, lh, family)

    def _draw(self, row: _Row, cols: Sequence[float], shade_first_column: bool) -> None:
        header = row.family == "title"
        self.pdf.set_draw_color(0)
        self.pdf.set_line_width(0.25)
        x = LEFT
        for i, (lines, w) in enumerate(zip(row.lines, cols)):
            label = shade_first_column and i == 0
            self.pdf.set_fill_color(236 if header or label else 255)
            self.pdf.rect(x, self.y, w, row.height, style="DF")
            self._font(TABLE_PT, row.family)
            for j, line in enumerate(lines):
                # Labels, headers and short counts (序号, 份数) are centred; values read from the left.
                centre = header or label or (not shade_first_column and line.isdigit() and len(line) <= 4)
                lx = x + (w - self.pdf.get_string_width(line)) / 2 if centre else x + CELL_PAD
                self._line(line, lx, self.y + CELL_PAD + j * row.lh, TABLE_PT, row.family, row.lh)
            x += w
        self.y += row.height

    # --- signature and QR code --------------------------------------------------------------------------

    def _signature_lines(self, signature: tuple[str, str, str]) -> list[str]:
        # Right-aligned block, two characters in from the margin; a very long office name wraps inside it.
        self._font(BODY_PT)
        width = CONTENT_W - 2 * BODY_PT * PT
        return [line for text in signature if text for line in break_lines(text, width, self.pdf.get_string_width)]

    def _signature_height(self, signature: tuple[str, str, str]) -> float:
        return SIGNATURE_GAP + len(self._signature_lines(signature)) * self._font(BODY_PT)

    def _signature(self, signature: tuple[str, str, str]) -> None:
        if self.seal_png:  # the seal itself replaces the "（盖章）" placeholder line
            signature = (signature[0], "", signature[2])
        lines = self._signature_lines(signature)
        lh = self._font(BODY_PT)
        self._need(self._signature_height(signature))
        self.y += SIGNATURE_GAP
        top = self.y
        widths = [self.pdf.get_string_width(line) for line in lines]
        block_w = max(widths)
        left = LEFT + CONTENT_W - 2 * BODY_PT * PT - block_w
        for line, w in zip(lines, widths):
            self._line(line, left + (block_w - w) / 2, self.y, BODY_PT, lh=lh)
            self.y += lh
        if self.seal_png:
            # centred on the name-and-date block, over the text (its transparency lets the text show through)
            cx, cy = left + block_w / 2, (top + self.y) / 2
            self.pdf.image(io.BytesIO(self.seal_png), x=cx - SEAL_MM / 2, y=cy - SEAL_MM / 2, w=SEAL_MM, h=SEAL_MM)

    def _qr(self, url: str, caption: str) -> None:
        qr = qr_runs(url)
        module = QR_SIZE / qr.size
        x0, y0 = PAGE_W - RIGHT - QR_SIZE + module * 4, 8.0  # quiet zone may stick into the margin
        self.pdf.set_fill_color(0)
        for row, col, length in qr.runs:
            self.pdf.rect(x0 + col * module, y0 + row * module, length * module, module, style="F")
        if caption:
            self._font(SMALL_PT)
            w = self.pdf.get_string_width(caption)
            self._line(caption, x0 + (QR_SIZE - w) / 2, y0 + QR_SIZE - module * 3, SMALL_PT)
