"""Notice templates as data. The defaults ship as default_templates.json; an office overrides any of them with a
dict (what the server stores), key by key. Every template is checked when it is built, so a typo in an office's
override fails at configuration time, not at the counter."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from shared.notices.errors import InvalidTemplate, TemplateIncomplete, UnknownTemplate
from shared.notices.model import NoticeKind
from shared.notices.values import PLACEHOLDERS, ROW_PLACEHOLDERS

PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")

# What the law wants on the paper for each kind; an override may reword it but not drop it.
# "list:x" means a table of list x that must not be empty.
REQUIRED = {
    NoticeKind.RECEIPT: {"list:materials", "received_date"},
    NoticeKind.ACCEPTANCE: {"item_full_name"},
    NoticeKind.CORRECTION: {"list:corrections", "correction_deadline"},
    NoticeKind.REFUSAL_OF_ACCEPTANCE: {"reason", "legal_basis", "review_authority", "court"},
    NoticeKind.SPECIAL_PROCEDURE: {"special_procedure", "special_procedure_duration"},
    NoticeKind.EXTENSION: {"reason", "extension_days"},
    NoticeKind.GRANT: {"legal_basis"},
    NoticeKind.REFUSAL: {"reason", "legal_basis", "review_authority", "court"},
}
ALWAYS_REQUIRED = {"case_number", "applicant_name", "office_name", "issue_date"}


@dataclass(frozen=True)
class Paragraph:
    text: str
    optional: bool = False  # left out when a placeholder has no value, instead of refusing the notice
    indent: bool = True     # first line indented two characters, as in any Chinese document


@dataclass(frozen=True)
class FieldRow:
    label: str
    value: str
    optional: bool = False


@dataclass(frozen=True)
class Fields:
    rows: tuple[FieldRow, ...]


@dataclass(frozen=True)
class Column:
    header: str
    cell: str
    width: float = 1.0      # relative
    optional: bool = False  # a row may leave this cell blank


@dataclass(frozen=True)
class Table:
    source: str  # "materials" or "corrections"
    columns: tuple[Column, ...]


Block = Paragraph | Fields | Table


@dataclass(frozen=True)
class Signature:
    office: str  # usually {office_name}
    seal: str    # where the seal goes, e.g. （盖章）
    date: str    # usually {issue_date}


@dataclass(frozen=True)
class Template:
    id: str
    kind: NoticeKind
    title: str
    number_line: str
    blocks: tuple[Block, ...]
    signature: Signature
    footer: str                              # on every page, before the page label
    page_label: str                          # may use {page} and {pages} only
    qr_caption: str
    addressee: str | None = None
    copy_label: str | None = None            # printed top left, e.g. for the applicant's copy
    show_full_identifiers: bool = False      # True only for the applicant's own copy

    def placeholders(self, *, optional: bool = True) -> set[str]:
        """Names used outside tables; with optional=False only those that must have a value."""
        texts = [self.title, self.number_line, self.addressee or "", self.copy_label or "",
                 self.signature.office, self.signature.seal, self.signature.date, self.qr_caption, self.footer]
        for b in self.blocks:
            if isinstance(b, Paragraph) and (optional or not b.optional):
                texts.append(b.text)
            elif isinstance(b, Fields):
                texts += [t for r in b.rows if optional or not r.optional for t in (r.label, r.value)]
        return {name for t in texts for name in PLACEHOLDER_RE.findall(t)}

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def template_from_dict(template_id: str, raw: Mapping[str, Any]) -> Template:
    try:
        t = Template(
            id=template_id, kind=NoticeKind(raw["kind"]), title=raw["title"], number_line=raw["number_line"],
            blocks=tuple(_block(b) for b in raw["blocks"]), signature=Signature(**raw["signature"]),
            footer=raw["footer"], page_label=raw["page_label"], qr_caption=raw["qr_caption"],
            addressee=raw.get("addressee"), copy_label=raw.get("copy_label"),
            show_full_identifiers=bool(raw.get("show_full_identifiers", False)))
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidTemplate(template_id, f"malformed ({type(e).__name__}: {e})") from None
    check_template(t)
    return t


def _block(raw: Mapping[str, Any]) -> Block:
    kind = raw["type"]
    if kind == "paragraph":
        return Paragraph(raw["text"], bool(raw.get("optional", False)), bool(raw.get("indent", True)))
    if kind == "fields":
        return Fields(tuple(FieldRow(r["label"], r["value"], bool(r.get("optional", False))) for r in raw["rows"]))
    if kind == "table":
        return Table(raw["source"], tuple(Column(c["header"], c["cell"], float(c.get("width", 1.0)),
                                                 bool(c.get("optional", False))) for c in raw["columns"]))
    raise ValueError(f"unknown block type {kind!r}")


def check_template(t: Template) -> None:
    unknown = {n for n in t.placeholders() if n not in PLACEHOLDERS and not _is_extra(n)}
    unknown |= {f"page_label.{n}" for n in PLACEHOLDER_RE.findall(t.page_label) if n not in ("page", "pages")}
    for table in t.tables():
        if table.source not in ROW_PLACEHOLDERS:
            raise InvalidTemplate(t.id, f"unknown table source {table.source!r}")
        if not table.columns or any(c.width <= 0 for c in table.columns):
            raise InvalidTemplate(t.id, f"table {table.source!r} needs columns with positive widths")
        unknown |= {f"{table.source}.{n}" for c in table.columns for n in PLACEHOLDER_RE.findall(c.cell)
                    if n not in ROW_PLACEHOLDERS[table.source]}
    if unknown:
        raise InvalidTemplate(t.id, f"unknown placeholders: {', '.join(sorted(unknown))}")
    shown = t.placeholders(optional=False) | {f"list:{tb.source}" for tb in t.tables()}
    missing = (REQUIRED[t.kind] | ALWAYS_REQUIRED) - shown
    if missing:
        raise TemplateIncomplete(t.id, missing)


def _is_extra(name: str) -> bool:
    # Office-specific values come through NoticeData.extra; their names say so, so a typo is still caught.
    return name.startswith("x_")


class TemplateSet(Mapping[str, Template]):
    """Templates by id. The shipped ids are the kind names ("acceptance", …); an office may add variants such as
    "acceptance_applicant_copy" with their own `kind`."""

    def __init__(self, templates: Mapping[str, Template]) -> None:
        self._templates = dict(templates)

    def __getitem__(self, template_id: str) -> Template:
        try:
            return self._templates[template_id]
        except KeyError:
            raise UnknownTemplate(template_id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    @classmethod
    def defaults(cls) -> TemplateSet:
        return cls.from_dicts(default_template_dicts())

    @classmethod
    def from_dicts(cls, raw: Mapping[str, Mapping[str, Any]]) -> TemplateSet:
        return cls({tid: template_from_dict(tid, r) for tid, r in raw.items()})

    @classmethod
    def for_office(cls, overrides: Mapping[str, Mapping[str, Any]] | str | None) -> TemplateSet:
        """Defaults with an office's overrides (a dict or its JSON text) applied key by key: an override of an
        existing id replaces only the keys it gives; a new id must be a whole template."""
        if isinstance(overrides, str):
            try:
                overrides = json.loads(overrides)
            except json.JSONDecodeError as e:
                raise InvalidTemplate("<office overrides>", f"not JSON: {e}") from None
        merged = default_template_dicts()
        for tid, raw in (overrides or {}).items():
            if not isinstance(raw, Mapping):
                raise InvalidTemplate(tid, "an override must be an object")
            merged[tid] = {**merged.get(tid, {}), **copy.deepcopy(dict(raw))}
        return cls.from_dicts(merged)


def default_template_dicts() -> dict[str, dict[str, Any]]:
    """A fresh copy of the shipped templates (callers may edit it)."""
    text = resources.files("shared.notices").joinpath("default_templates.json").read_text(encoding="utf-8")
    return json.loads(text)
