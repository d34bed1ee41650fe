"""Placeholder values: NoticeData flattened to the strings a template may name. A value the data lacks is simply
absent, so filling can name every missing placeholder at once."""

from __future__ import annotations

import datetime as dt

from shared.notices.model import NoticeData, SpecialProcedure
from shared.validation import mask_phone, mask_resident_id

# Every name a template may use outside a table. `extra` adds office-specific ones at fill time.
PLACEHOLDERS = frozenset({
    "case_number", "year", "issue_date", "received_date", "accepted_date", "correction_deadline",
    "extended_due_date", "office_name", "office_phone", "office_address", "review_authority", "court",
    "applicant_name", "applicant_id", "applicant_uscc", "applicant_identifier", "applicant_identifier_label",
    "applicant_phone", "applicant_address", "item_name", "sub_item_name", "situation_name", "item_full_name",
    "reason", "legal_basis", "competent_authority", "statutory_limit_days", "extension_days",
    "special_procedure", "special_procedure_duration", "special_procedure_start", "licence_name",
    "licence_number", "licence_valid_until", "licence_content", "clerk_name", "materials_count",
    "corrections_count", "verification_url",
})

# Names a table row may use, per list.
ROW_PLACEHOLDERS = {
    "materials": frozenset({"no", "name", "copies", "form", "note"}),
    "corrections": frozenset({"no", "material", "reason"}),
}


def format_date(day: dt.date) -> str:
    """GB/T 9704-2012 (党政机关公文格式) writes the date in Arabic numerals, year, month and day in full."""
    return f"{day.year}年{day.month}月{day.day}日"


def notice_values(data: NoticeData, *, show_full_identifiers: bool = False) -> dict[str, str]:
    """Personal data (ID number, phone) is masked unless the template is the applicant's own copy."""
    a, o = data.applicant, data.office
    values: dict[str, str | None] = {
        "case_number": data.case_number.strip(),
        "year": str(data.issue_date.year),
        "issue_date": format_date(data.issue_date),
        "received_date": _date(data.received_date),
        "accepted_date": _date(data.accepted_date),
        "correction_deadline": _date(data.correction_deadline),
        "extended_due_date": _date(data.extended_due_date),
        "office_name": o.name,
        "office_phone": o.phone,
        "office_address": o.address,
        "review_authority": o.review_authority,
        "court": o.court,
        "applicant_name": a.name.strip(),
        "applicant_phone": _personal(a.phone, mask_phone, show_full_identifiers),
        "applicant_address": a.address,
        # an organisation's code is public
        "applicant_uscc": a.uscc.strip().upper() if a.uscc else (a.uscc_masked or None),
        "applicant_id": _personal(a.resident_id and a.resident_id.strip().upper(), mask_resident_id,
                                  show_full_identifiers) or a.resident_id_masked or None,
        "item_name": data.item_name,
        "sub_item_name": data.sub_item_name,
        "situation_name": data.situation_name,
        "item_full_name": data.item_name + (f"（{data.sub_item_name}）" if data.sub_item_name else ""),
        # Both are set inside a sentence of the template, which supplies its own punctuation.
        "reason": _clause(data.reason),
        "legal_basis": _clause(data.legal_basis),
        "competent_authority": data.competent_authority,
        "statutory_limit_days": _int(data.statutory_limit_days),
        "extension_days": _int(data.extension_days),
        "clerk_name": data.clerk_name,
        "materials_count": str(len(data.materials)) if data.materials else None,
        "corrections_count": str(len(data.corrections)) if data.corrections else None,
        "verification_url": data.verification_url,
    }
    if values["applicant_uscc"]:
        values["applicant_identifier_label"] = "统一社会信用代码"
        values["applicant_identifier"] = values["applicant_uscc"]
    elif values["applicant_id"]:
        values["applicant_identifier_label"] = "公民身份号码"
        values["applicant_identifier"] = values["applicant_id"]
    values.update(_special_procedure(data.special_procedure))
    if data.licence is not None:
        values.update(licence_name=data.licence.name, licence_number=data.licence.number,
                      licence_valid_until=_date(data.licence.valid_until), licence_content=data.licence.content)
    values.update(data.extra)
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip()}


def row_values(data: NoticeData, source: str) -> list[dict[str, str]]:
    if source == "materials":
        rows = [{"name": m.name, "copies": str(m.copies), "form": m.form, "note": m.note} for m in data.materials]
    elif source == "corrections":
        rows = [{"material": c.material, "reason": c.reason} for c in data.corrections]
    else:
        raise KeyError(source)
    return [{"no": str(i), **{k: v.strip() for k, v in row.items() if v and v.strip()}}
            for i, row in enumerate(rows, start=1)]


def _special_procedure(sp: SpecialProcedure | None) -> dict[str, str | None]:
    if sp is None:
        return {}
    unit = "个工作日" if sp.working_days else "日"
    return {"special_procedure": sp.category, "special_procedure_duration": f"{sp.expected_days}{unit}",
            "special_procedure_start": _date(sp.start_date)}


def _personal(value: str | None, mask, show_full: bool) -> str | None:
    if not value:
        return None
    return value if show_full else mask(value)


def _clause(text: str | None) -> str | None:
    return text.strip().rstrip("。．.；;，,") if text else None


def _date(day: dt.date | None) -> str | None:
    return format_date(day) if day else None


def _int(n: int | None) -> str | None:
    return None if n is None else str(n)
