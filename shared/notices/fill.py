"""Template + values → the finished text of a notice, before any layout. Filling checks everything first and
raises one error naming every missing value, so a clerk fixes the case once and a half-filled notice never
reaches the printer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.notices.errors import EmptyList, MissingPlaceholder
from shared.notices.templates import PLACEHOLDER_RE, Fields, Paragraph, Table, Template


@dataclass(frozen=True)
class FilledParagraph:
    text: str
    indent: bool


@dataclass(frozen=True)
class FilledTable:
    headers: tuple[str, ...]
    widths: tuple[float, ...]  # relative
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FilledFields:
    rows: tuple[tuple[str, str], ...]


FilledBlock = FilledParagraph | FilledTable | FilledFields


@dataclass(frozen=True)
class FilledNotice:
    template_id: str
    title: str
    number_line: str
    addressee: str | None
    copy_label: str | None
    blocks: tuple[FilledBlock, ...]
    signature: tuple[str, str, str]  # office, seal text, date
    qr_caption: str
    verification_url: str
    footer: str
    page_label: str  # still holds {page} and {pages}: only layout knows them

    def page_footer(self, page: int, pages: int) -> str:
        label = self.page_label.replace("{page}", str(page)).replace("{pages}", str(pages))
        return f"{self.footer}\u3000{label}" if self.footer else label

    def text(self) -> str:
        """All printed words in reading order (for tests and for the archive's full-text search)."""
        parts = [self.copy_label or "", self.title, self.number_line, self.addressee or ""]
        for b in self.blocks:
            if isinstance(b, FilledParagraph):
                parts.append(b.text)
            elif isinstance(b, FilledFields):
                parts += [f"{k} {v}" for k, v in b.rows]
            else:
                parts += [" ".join(b.headers)] + [" ".join(r) for r in b.rows]
        return "\n".join(p for p in [*parts, *self.signature, self.qr_caption, self.page_footer(1, 1)] if p)


def fill(template: Template, values: Mapping[str, str], lists: Mapping[str, Sequence[Mapping[str, str]]],
         verification_url: str) -> FilledNotice:
    missing = {n for n in template.placeholders(optional=False) if n not in values}
    for table in template.tables():
        rows = lists.get(table.source, ())
        if not rows:
            raise EmptyList(template.id, table.source)
        missing |= {f"{table.source}[{row['no']}].{n}" for row in rows for c in table.columns if not c.optional
                    for n in PLACEHOLDER_RE.findall(c.cell) if n not in row}
    if missing:
        raise MissingPlaceholder(template.id, missing)

    def sub(text: str, vals: Mapping[str, str] = values) -> str:
        return PLACEHOLDER_RE.sub(lambda m: vals.get(m.group(1), ""), text)

    def present(text: str) -> bool:
        return all(n in values for n in PLACEHOLDER_RE.findall(text))

    blocks: list[FilledBlock] = []
    for b in template.blocks:
        if isinstance(b, Paragraph):
            if not b.optional or present(b.text):
                blocks.append(FilledParagraph(sub(b.text), b.indent))
        elif isinstance(b, Fields):
            rows = tuple((sub(r.label), sub(r.value)) for r in b.rows
                         if not r.optional or (present(r.label) and present(r.value)))
            if rows:
                blocks.append(FilledFields(rows))
        elif isinstance(b, Table):
            blocks.append(FilledTable(tuple(sub(c.header) for c in b.columns), tuple(c.width for c in b.columns),
                                      tuple(tuple(sub(c.cell, row) for c in b.columns) for row in lists[b.source])))
    sig = template.signature
    return FilledNotice(template.id, sub(template.title), sub(template.number_line),
                        sub(template.addressee) if template.addressee else None,
                        sub(template.copy_label) if template.copy_label else None, tuple(blocks),
                        (sub(sig.office), sub(sig.seal), sub(sig.date)), sub(template.qr_caption), verification_url,
                        sub(template.footer), template.page_label)
