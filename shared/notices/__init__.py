"""Written notices of the approval procedure (告知书/决定书/收件回执) as PDF.

    templates = TemplateSet.for_office(office_overrides)          # defaults + the office's wording
    pdf_bytes = render_notice(data, templates["correction"])      # or templates[NoticeKind.CORRECTION.value]

The same NoticeData and template give the same bytes on the server and on a counter client working offline.
Nothing here touches a database, the network or Qt."""

from __future__ import annotations

from shared.notices.errors import (EmptyList, FontNotFound, InvalidNoticeData, InvalidTemplate, MissingPlaceholder,
                                   NoticeError, TemplateIncomplete, UnknownTemplate, UnprintableCharacter,
                                   WeakVerificationToken)
from shared.notices.fill import FilledNotice, fill
from shared.notices.fonts import NoticeFonts, default_fonts
from shared.notices.model import (SPECIAL_PROCEDURE_CATEGORIES, Applicant, Correction, Licence, Material,
                                  NoticeData, NoticeKind, Office, SpecialProcedure, validate)
from shared.notices.templates import Template, TemplateSet
from shared.notices.values import ROW_PLACEHOLDERS, format_date, notice_values, row_values

__all__ = [
    "Applicant", "Correction", "EmptyList", "FilledNotice", "FontNotFound", "InvalidNoticeData", "InvalidTemplate",
    "Licence", "Material", "MissingPlaceholder", "NoticeData", "NoticeError", "NoticeFonts", "NoticeKind", "Office",
    "SPECIAL_PROCEDURE_CATEGORIES", "SpecialProcedure", "Template", "TemplateIncomplete", "TemplateSet",
    "UnknownTemplate", "UnprintableCharacter", "WeakVerificationToken", "fill_notice", "format_date", "render_notice",
]


def fill_notice(data: NoticeData, template: Template) -> FilledNotice:
    """Validate the data and fill the template: the notice's final wording, without layout."""
    validate(data)
    values = notice_values(data, show_full_identifiers=template.show_full_identifiers)
    lists = {source: row_values(data, source) for source in ROW_PLACEHOLDERS}
    return fill(template, values, lists, data.verification_url)


def render_notice(data: NoticeData, template: Template, fonts: NoticeFonts | None = None,
                  seal_png: bytes | None = None) -> bytes:
    """The notice as PDF bytes, with the office's seal (a transparent PNG) over its signature when given.
    Raises a NoticeError (or InvalidIdentifier) before drawing anything."""
    from shared.notices.pdf import render_pdf  # fpdf2 with numpy and Pillow, ~60 MiB: loaded at the first notice
    filled = fill_notice(data, template)
    return render_pdf(filled, fonts or default_fonts(), data.issue_date, seal_png)
