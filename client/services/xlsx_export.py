"""A statistics table as a formatted .xlsx workbook (openpyxl): the title and filters above, a bold shaded
header, thin borders, numbers as numbers with the screen's decimals, the 合计 line bold, column widths that fit
Chinese text, and the header frozen — what the screen showed, as Excel and WPS open it."""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from client.services.stat_tables import StatTable, display

THIN = Side(style="thin", color="A0AEC0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FIRST_ROW = 4  # title, filters, a blank line, then the header
TITLE, BOLD, NOTE = Font(bold=True, size=14), Font(bold=True), Font(italic=True, color="4A5568")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right")


def _width(text: str) -> float:
    """Excel column units: a CJK character takes about two."""
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text) + 2


def _cell_value(value):  # noqa: ANN001, ANN202
    return "—" if value is None else value


def write_xlsx(table: StatTable, path: Path) -> Path:
    """Streamed (openpyxl's write-only mode): 100,000 lines are written in seconds, not minutes; widths, the
    frozen header and the page setup are decided before the first row goes out."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.title[:31])
    columns = len(table.headers)
    lines = list(table.rows) + ([table.total] if table.total is not None else [])
    widths = [_width(h) for h in table.headers]
    for row in lines:
        for col, value in enumerate(row):
            text = display(value)
            if len(text) * 2.1 + 2 > widths[col]:  # cheap bound first: most cells are short numbers
                widths[col] = max(widths[col], _width(text))
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = min(width, 60)
    ws.freeze_panes = f"{get_column_letter(table.key_columns + 1)}{FIRST_ROW + 1}"
    ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.merged_cells.add(f"A1:{get_column_letter(columns)}1")
    ws.merged_cells.add(f"A2:{get_column_letter(columns)}2")

    styles: dict[tuple, object] = {}

    def cell(value, *, font=None, fill=None, align=None, border=True):  # noqa: ANN001, ANN202
        """Each distinct style is built once; its cells share a copy of its style array (assigning a Border
        or a Font to a cell looks it up by hash each time: a million cells took minutes)."""
        key = (id(font), id(fill), id(align), border, isinstance(value, float))
        c = WriteOnlyCell(ws, value=_cell_value(value))
        found = styles.get(key)
        if found is None:
            if border:
                c.border = BORDER
            if isinstance(value, float):
                c.number_format = "0.0"
            if font is not None:
                c.font = font
            if fill is not None:
                c.fill = fill
            if align is not None:
                c.alignment = align
            styles[key] = copy(c._style)
        else:
            c._style = copy(found)
        return c

    ws.append([cell(table.title, font=TITLE, border=False)])
    ws.append([cell(table.filters, border=False)])
    ws.append([])
    ws.append([cell(h, font=BOLD, fill=HEADER_FILL, align=CENTRE) for h in table.headers])
    keys = table.key_columns
    total_at = len(lines) - 1 if table.total is not None else -1
    for i, row in enumerate(lines):
        if i == total_at:
            ws.append([cell(v, font=BOLD, fill=TOTAL_FILL, align=RIGHT if col >= keys else None)
                       for col, v in enumerate(row)])
        else:
            ws.append([cell(v, align=RIGHT if col >= keys else None) for col, v in enumerate(row)])
    ws.append([])
    for note in table.notes:
        ws.append([cell(note, font=NOTE, border=False)])
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
        if not row or row[0].value is None:
            break
        lines.append(tuple(text(c) for c in row[:len(header)]))
    return header, lines
