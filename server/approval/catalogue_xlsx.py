"""The catalogue as a spreadsheet a department fills in: one row a material (an item's and a situation's columns
repeat on each of their rows; a situation without materials has one row with the material columns empty).
Reading refuses the whole sheet, listing every bad row by its number, so nothing is half-imported.
Sub-items are not in the sheet (they are edited item by item). The two sample columns (样表说明, 样表文件名) are
last, so a sheet made before them (twelve columns) still imports, and its materials keep the samples they have."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.db.models import ServiceItem, Situation
from shared.db.models.catalogue import ADMINISTRATIVE_LICENCE, PUBLIC_SERVICE, Material
from shared.errors import DomainError
from shared.protocol.catalogue import ItemIn

HEADER = ("事项编码", "事项名称", "类别", "法定时限（工作日）", "承诺时限（工作日）", "收费（元）", "情形编码", "情形名称",
          "材料名称", "是否必需", "材料形式", "份数", "样表说明", "样表文件名")
BEFORE_SAMPLES = 12  # the header's length before the sample columns
CATEGORIES = {"行政许可": ADMINISTRATIVE_LICENCE, "公共服务": PUBLIC_SERVICE}
FORMS = {"原件": "original", "复印件": "copy", "原件和复印件": "original_and_copy", "电子": "electronic"}
YES = {"是": True, "否": False}
MAX_ROWS = 20000


class CatalogueRowsInvalid(DomainError):
    code = "catalogue_rows_invalid"

    def __init__(self, errors: list[dict]) -> None:
        super().__init__("表格有误，未导入任何内容：" + "；".join(f"第{e['row']}行：{e['message']}" for e in errors[:5]),
                         errors=errors[:200], error_count=len(errors))


def export(session: Session) -> bytes:
    from openpyxl import Workbook  # only on an export: the serving process does not load openpyxl (numpy, PIL)
    book = Workbook()
    sheet = book.active
    sheet.title = "事项目录"
    sheet.append(HEADER)
    category = {v: k for k, v in CATEGORIES.items()}
    form = {v: k for k, v in FORMS.items()}
    items = session.scalars(select(ServiceItem).order_by(ServiceItem.sort_order, ServiceItem.code).options(
        selectinload(ServiceItem.situations).selectinload(Situation.materials)))
    for item in items:
        head = [item.code, item.name, category[item.category], item.statutory_limit_days, item.promised_limit_days,
                float(item.fee)]
        for situation in item.situations:
            rows = [[m.name, "是" if m.required else "否", form.get(m.form, m.form), m.copies, m.sample_note or None,
                     m.sample_file or None] for m in situation.materials] or [[None] * 6]
            for row in rows:
                sheet.append(head + [situation.code, situation.name] + row)
    for column, width in zip("ABCDEFGHIJKLMN", (14, 30, 10, 10, 10, 10, 16, 16, 36, 8, 12, 6, 36, 24)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def samples(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """Every material's sample by (situation code, material name): what a sheet without the columns keeps."""
    return {(code, m.name): (m.sample_note, m.sample_file) for code, m in session.execute(
        select(Situation.code, Material).join(Material, Material.situation_id == Situation.id))}


def parse(data: bytes, kept: dict[tuple[str, str], tuple[str, str]] | None = None) -> dict[str, ItemIn]:
    """Items by code, as the sheet gives them; CatalogueRowsInvalid lists every bad row. A sheet without the
    sample columns takes each material's sample from `kept` (see `samples`)."""
    from openpyxl import load_workbook  # only on an import, as export
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a file that is not a workbook
        raise CatalogueRowsInvalid([{"row": 0, "message": "文件不是有效的 Excel 工作簿（.xlsx）"}]) from None
    rows = sheet.iter_rows(values_only=True)
    header = tuple(str(c).strip() if c is not None else "" for c in next(rows, ()))[:len(HEADER)]
    if header != HEADER and header != HEADER[:BEFORE_SAMPLES]:
        raise CatalogueRowsInvalid([{"row": 1, "message": "表头应为：" + "、".join(HEADER)}])
    if header != HEADER:
        kept = kept or {}
    else:
        kept = None
    errors: list[dict] = []
    items: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append({"row": number, "message": f"行数超过 {MAX_ROWS}"})
            break
        cells = [c.strip() if isinstance(c, str) else c for c in (tuple(raw) + (None,) * len(HEADER))[:len(HEADER)]]
        if all(c in (None, "") for c in cells):
            continue
        try:
            _row(items, first_row, number, cells, kept)
        except ValueError as exc:
            errors.append({"row": number, "message": str(exc)})
    parsed: dict[str, ItemIn] = {}
    for code, item in items.items():
        try:
            parsed[code] = ItemIn(**{**item, "situations": list(item["situations"].values())})
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            errors.append({"row": first_row[code], "message": f"事项 {code}：{where} {problem['msg']}"})
    if errors:
        raise CatalogueRowsInvalid(sorted(errors, key=lambda e: e["row"]))
    return parsed


def _row(items: dict[str, dict], first_row: dict[str, int], number: int, cells: list,  # noqa: C901
         kept: dict[tuple[str, str], tuple[str, str]] | None) -> None:
    code, name, category, statutory, promised, fee, s_code, s_name, m_name, required, form, copies, note, sample = cells
    if not code or not name or not s_code or not s_name:
        raise ValueError("事项编码、事项名称、情形编码、情形名称不能为空")
    if category not in CATEGORIES:
        raise ValueError(f"类别“{category}”应为“行政许可”或“公共服务”")
    item = {"name": str(name), "category": CATEGORIES[category], "statutory_limit_days": _int(statutory, "法定时限"),
            "promised_limit_days": _int(promised, "承诺时限"), "fee": _money(fee)}
    if item["promised_limit_days"] > item["statutory_limit_days"]:
        raise ValueError("承诺时限不能超过法定时限")
    known = items.get(str(code))
    if known is None:
        items[str(code)] = known = {**item, "situations": {}}
        first_row[str(code)] = number
    elif any(known[k] != v for k, v in item.items()):
        raise ValueError(f"事项 {code} 的名称、类别、时限或收费与第{first_row[str(code)]}行不一致")
    situation = known["situations"].setdefault(str(s_code), {"code": str(s_code), "name": str(s_name),
                                                             "materials": []})
    if situation["name"] != str(s_name):
        raise ValueError(f"情形 {s_code} 的名称与前面的行不一致")
    if m_name in (None, ""):
        return
    if required not in YES:
        raise ValueError(f"是否必需应填“是”或“否”，而不是“{required}”")
    if form not in FORMS:
        raise ValueError(f"材料形式应为：{'、'.join(FORMS)}")
    if any(m["name"] == str(m_name) for m in situation["materials"]):
        raise ValueError(f"材料“{m_name}”在情形 {s_code} 中重复")
    situation["materials"].append({"name": str(m_name), "required": YES[required], "form": FORMS[form],
                                   "copies": _int(copies if copies not in (None, "") else 1, "份数"),
                                   "sample_note": _text(note, 500, "样表说明"),
                                   "sample_file": _text(sample, 200, "样表文件名", file_name=True)})
    if kept is not None:  # a sheet made before the sample columns: the material keeps its sample
        sample_note, sample_file = kept.get((str(s_code), str(m_name)), ("", ""))
        situation["materials"][-1].update(sample_note=sample_note, sample_file=sample_file)


def _text(value, limit: int, what: str, file_name: bool = False) -> str:  # noqa: ANN001
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ValueError(f"{what}不能超过{limit}个字")
    if file_name and any(c in "/\\" or ord(c) < 32 for c in text):  # a name, as the API takes it: no folders
        raise ValueError(f"{what}应为文件名，不含路径或控制字符")
    return text


def _int(value, what: str) -> int:  # noqa: ANN001
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{what}应为正整数")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{what}应为正整数，而不是“{value}”") from None
    if number != int(number) or not 1 <= number <= 400:
        raise ValueError(f"{what}应为1到400之间的整数")
    return int(number)


def _money(value) -> Decimal:  # noqa: ANN001
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"收费应为金额，而不是“{value}”") from None
    if amount < 0:
        raise ValueError("收费不能为负数")
    return amount
