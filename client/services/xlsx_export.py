"""A statistics table as a formatted .xlsx workbook (openpyxl): the title and filters above, a bold shaded
header, thin borders, numbers as numbers with the screen's decimals, the 合计 line bold, column widths that fit
Chinese text, and the header frozen — what the screen showed, as Excel and WPS open it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from client.services.stat_tables import StatTable, display

THIN = Side(style="thin", color="A0AEC0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FIRST_ROW = 4  # title, filters, a blank line, then the header


def _width(text: str) -> float:
    """Excel column units: a CJK character takes about two."""
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text) + 2


def _cell_value(value):  # noqa: ANN001, ANN202
    return "—" if value is None else value


def write_xlsx(table: StatTable, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31]
    columns = len(table.headers)
    ws.cell(1, 1, table.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(2, 1, table.filters)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    for col, header in enumerate(table.headers, 1):
        c = ws.cell(FIRST_ROW, col, header)
        c.font, c.fill, c.border = Font(bold=True), HEADER_FILL, BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    lines = list(table.rows) + ([table.total] if table.total is not None else [])
    widths = [_width(h) for h in table.headers]
    for r, row in enumerate(lines, FIRST_ROW + 1):
        is_total = table.total is not None and r == FIRST_ROW + len(lines)
        for col, value in enumerate(row, 1):
            c = ws.cell(r, col, _cell_value(value))
            c.border = BORDER
            if isinstance(value, float):
                c.number_format = "0.0"
            if col > table.key_columns:
                c.alignment = Alignment(horizontal="right")
            if is_total:
                c.font, c.fill = Font(bold=True), TOTAL_FILL
            widths[col - 1] = max(widths[col - 1], _width(display(value)))
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = min(width, 60)
    ws.freeze_panes = ws.cell(FIRST_ROW + 1, table.key_columns + 1)
    for i, note in enumerate(table.notes):
        ws.cell(FIRST_ROW + len(lines) + 2 + i, 1, note).font = Font(italic=True, color="4A5568")
    ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    wb.save(path)
    return path


def read_xlsx(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and the lines (合计 included) of an exported workbook, as the screen's text."""
    from openpyxl import load_workbook
    ws = load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(min_row=FIRST_ROW))
    header = tuple(str(c.value) for c in rows[0] if c.value is not None)

    def text(cell) -> str:  # noqa: ANN001
        v = cell.value
        if isinstance(v, (int, float)) and not isinstance(v, bool) and cell.number_format == "0.0":
            return display(float(v))  # Excel keeps 2.0 as 2: its format says one decimal
        return v if isinstance(v, str) else "" if v is None else display(v)
    lines = []
    for row in rows[1:]:
        if row[0].value is None:
            break
        lines.append(tuple(text(c) for c in row[:len(header)]))
    return header, lines
