"""Notice templates exported and imported as a JSON file: a round trip keeps every override; each kind of bad
file is refused with its own code and says where (line and column, template id)."""

from __future__ import annotations

import json

import pytest

from shared.notices.settings import InvalidNoticeSettings
from shared.notices.template_file import FORMAT, export_text, import_text
from shared.notices.templates import TemplateSet

OVERRIDES = {"refusal": {"title": "不予行政许可决定书（东莞）"},
             "acceptance": {"footer": "咨询电话：0769-12345"}}


def refused(data) -> InvalidNoticeSettings:  # noqa: ANN001
    with pytest.raises(InvalidNoticeSettings) as caught:
        import_text(data)
    return caught.value


def test_an_exported_file_imports_as_the_same_overrides() -> None:
    text = export_text(OVERRIDES, "DG-HALL-1")
    doc = json.loads(text)
    assert (doc["format"], doc["version"], doc["hall"]) == (FORMAT, 1, "DG-HALL-1")
    assert import_text(text.encode("utf-8")) == OVERRIDES
    assert import_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == OVERRIDES  # saved by Notepad with a BOM
    assert TemplateSet.for_office(import_text(text)).get("refusal").title == "不予行政许可决定书（东莞）"


def test_bad_files_are_refused_with_where_and_why() -> None:
    broken = '{"format": "govhall-notice-templates",\n "version": 1,\n "templates": {"refusal": }\n}'
    e = refused(broken)
    assert e.code == "template_file_not_json" and (e.details["line"], e.details["column"]) == (3, 27)
    assert refused(b"\xff\xfe{}").code == "template_file_not_json"
    assert refused(json.dumps(OVERRIDES)).code == "template_file_format"  # bare overrides: not this format
    assert refused(json.dumps({"format": FORMAT, "version": 2, "templates": {}})).code == "template_file_format"
    assert refused(json.dumps({"format": FORMAT, "version": 1, "templates": []})).code == "template_file_format"
    unknown = refused(json.dumps({"format": FORMAT, "version": 1, "templates": {"refusa": {"title": "x"}}}))
    assert unknown.code == "template_file_unknown_template" and unknown.details["template"] == "refusa"
    bad = refused(export_text({"refusal": {"title": "{no_such_value}"}}))
    assert bad.code == "notice_template_invalid" and bad.details["template"] == "refusal"
    dropped = refused(export_text({"refusal": {"blocks": [{"type": "paragraph", "text": "不予许可。"}]}}))
    assert dropped.code == "notice_template_invalid"  # the law's parts (reason, remedies) may not be dropped
    assert refused(b" " * (1024 * 1024 + 1)).code == "template_file_too_large"
