"""Plain A4 pages in Chinese for the archive's own documents (the application record, opinions, 送达 records,
the export's cover and contents, the period's list), set with fpdf2 in the notices' fonts (shared.notices.fonts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shared.notices.fonts import default_fonts

MARGIN = 20.0


class Pages:
    def __init__(self, title: str, made_at: dt.datetime | None = None, *, text: bool = True) -> None:
        # the PDF stack loads with the first page made, not with the server
        from fpdf import FPDF

        from shared.notices.embedding import add_face

        pdf = FPDF(unit="mm", format="A4")
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        if text:  # subsetting a CJK face costs about half a second a face: image pages take none
            fonts = default_fonts()
            add_face(pdf, "body", fonts.regular)
            add_face(pdf, "bold", fonts.bold)
        pdf.set_title(title)
        pdf.set_creator("GovHall archive")
        if made_at is not None:
            pdf.set_creation_date(made_at)
        self.pdf = pdf
        self.pdf.add_page()

    @property
    def width(self) -> float:
        return self.pdf.w - 2 * MARGIN

    def title(self, text: str, size: float = 18) -> None:
        self.pdf.set_font("bold", size=size)
        self.pdf.multi_cell(self.width, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def line(self, text: str, size: float = 11, bold: bool = False) -> None:
        self.pdf.set_font("bold" if bold else "body", size=size)
        self.pdf.multi_cell(self.width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    def fields(self, rows: Sequence[tuple[str, str]], size: float = 11) -> None:
        label_w = 38.0
        for label, value in rows:
            self.pdf.set_font("bold", size=size)
            y = self.pdf.get_y()
            self.pdf.multi_cell(label_w, size * 0.6, label, new_x="RIGHT", new_y="TOP")
            self.pdf.set_font("body", size=size)
            self.pdf.multi_cell(self.width - label_w, size * 0.6, value or "—", new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_y(max(self.pdf.get_y(), y + size * 0.6) + 1)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              size: float = 9.5) -> None:
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]
        with self.pdf.table(col_widths=widths, text_align="LEFT", line_height=size * 0.55,
                            headings_style=_heading()) as table:
            self.pdf.set_font("body", size=size)
            head = table.row()
            for h in headers:
                head.cell(h)
            for r in rows:
                row = table.row()
                for cell in r:
                    row.cell(str(cell))

    def space(self, mm: float = 4) -> None:
        self.pdf.ln(mm)

    def new_page(self) -> None:
        self.pdf.add_page()

    def image_page(self, data: bytes) -> None:
        """One image, fitted inside the margins."""
        import io
        self.pdf.image(io.BytesIO(data), x=MARGIN, y=MARGIN, w=self.width, h=self.pdf.h - 2 * MARGIN,
                       keep_aspect_ratio=True)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def _heading():  # noqa: ANN202
    from fpdf.fonts import FontFace
    return FontFace(family="bold", emphasis="", fill_color=(235, 235, 235))
