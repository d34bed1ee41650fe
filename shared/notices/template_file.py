"""A hall's notice templates as a JSON file: what the admin exports (to keep, to hand to another hall, to edit
in a text editor) and imports again. The file names its format and version and holds the office's template
overrides (TemplateSet.for_office's shape: template id → the keys it changes, or a whole new template).
Importing checks everything the counter would later need — the file is JSON, is this format, and every
template builds with the legally required parts — and names the first problem precisely (line and column, the
template id), so nothing half-valid reaches a hall.

    {"format": "govhall-notice-templates", "version": 1, "hall": "DG-HALL-1",
     "templates": {"refusal": {"title": "不予行政许可决定书"}}}
"""

from __future__ import annotations

import json
from typing import Any

from shared.notices.errors import NoticeError
from shared.notices.settings import InvalidNoticeSettings
from shared.notices.templates import TemplateSet, default_template_dicts

FORMAT = "govhall-notice-templates"
VERSION = 1
FILE_MAX_BYTES = 1024 * 1024


def export_text(overrides: dict[str, Any], hall_code: str = "") -> str:
    """The overrides as the file's text (indented: people read and diff it)."""
    return json.dumps({"format": FORMAT, "version": VERSION, "hall": hall_code, "templates": overrides},
                      ensure_ascii=False, indent=1) + "\n"


def import_text(data: bytes | str) -> dict[str, Any]:
    """The overrides a file holds, checked; InvalidNoticeSettings with a specific code otherwise:
    template_file_too_large, template_file_not_json (line, column), template_file_format (not this format or
    an unknown version), template_file_unknown_template (an id that is neither shipped nor a whole template),
    notice_template_invalid (a template that does not build: which one and why)."""
    if isinstance(data, bytes):
        if len(data) > FILE_MAX_BYTES:
            raise InvalidNoticeSettings("template_file_too_large", f"over {FILE_MAX_BYTES // 1024} KiB",
                                        max_bytes=FILE_MAX_BYTES)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidNoticeSettings("template_file_not_json", f"not UTF-8 text (byte {exc.start})",
                                        line=0, column=0) from None
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InvalidNoticeSettings("template_file_not_json", f"not JSON: {exc.msg}", line=exc.lineno,
                                    column=exc.colno) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidNoticeSettings("template_file_format", f"not a {FORMAT} file", expected=FORMAT)
    if doc.get("version") != VERSION:
        raise InvalidNoticeSettings("template_file_format", f"version {doc.get('version')!r} is not {VERSION}",
                                    version=doc.get("version"))
    overrides = doc.get("templates")
    if not isinstance(overrides, dict):
        raise InvalidNoticeSettings("template_file_format", "templates must be an object of template ids")
    shipped = default_template_dicts()
    for tid, raw in overrides.items():
        if not isinstance(raw, dict):
            raise InvalidNoticeSettings("notice_template_invalid", f"{tid}: an override must be an object",
                                        template=tid)
        if tid not in shipped and "kind" not in raw:
            raise InvalidNoticeSettings("template_file_unknown_template", f"{tid}: no such template (a new one "
                                        f"needs every part, its kind first)", template=tid,
                                        known=sorted(shipped))
    try:
        TemplateSet.for_office(overrides)
    except (NoticeError, TypeError, ValueError, KeyError, AttributeError) as exc:
        template = getattr(exc, "template_id", None) or getattr(exc, "details", {}).get("template")
        raise InvalidNoticeSettings("notice_template_invalid", str(exc), template=template) from None
    return overrides
