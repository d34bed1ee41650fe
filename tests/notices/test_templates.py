"""Templates are data: defaults ship with the package, an office overrides them, and a template that is
malformed, names an unknown placeholder or drops what the law requires is refused when it is configured."""

from __future__ import annotations

import json

import pytest

from shared.notices import (InvalidTemplate, NoticeKind, TemplateIncomplete, TemplateSet, UnknownTemplate,
                            fill_notice)
from shared.notices.templates import default_template_dicts
from tests.notices.conftest import sample_data


def test_defaults_cover_every_kind(templates) -> None:
    assert {t.kind for t in templates.values()} == set(NoticeKind)
    assert all(tid == t.kind.value for tid, t in templates.items())
    assert not any(t.show_full_identifiers for t in templates.values()), "personal data is masked by default"


def test_office_override_changes_only_the_keys_it_gives() -> None:
    ts = TemplateSet.for_office(json.dumps({
        "acceptance": {"number_line": "{x_doc_prefix}受字〔{year}〕{case_number}号", "qr_caption": "扫码查询进度"},
    }))
    filled = fill_notice(sample_data(extra={"x_doc_prefix": "东市监特"}), ts["acceptance"])
    assert filled.number_line == "东市监特受字〔2026〕DG2026112200017号"
    assert filled.qr_caption == "扫码查询进度" and filled.title == "受理通知书"
    assert ts["correction"] == TemplateSet.defaults()["correction"]


def test_office_may_add_an_applicant_copy_variant() -> None:
    variant = {**default_template_dicts()["acceptance"], "show_full_identifiers": True, "copy_label": "申请人留存联"}
    ts = TemplateSet.for_office({"acceptance_applicant_copy": variant})
    assert "11010519491231002X" in fill_notice(sample_data(), ts["acceptance_applicant_copy"]).text()
    assert "11010519491231002X" not in fill_notice(sample_data(), ts["acceptance"]).text()


def test_unknown_placeholder_in_an_override_is_refused() -> None:
    with pytest.raises(InvalidTemplate) as e:
        TemplateSet.for_office({"acceptance": {"number_line": "编号：{case_numbr}"}})
    assert e.value.code == "notice_invalid_template" and "case_numbr" in e.value.message


def test_unknown_row_placeholder_is_refused() -> None:
    raw = default_template_dicts()["correction"]
    raw["blocks"][2]["columns"][1]["cell"] = "{name}"  # materials have names; corrections have `material`
    with pytest.raises(InvalidTemplate, match=r"corrections\.name"):
        TemplateSet.from_dicts({"correction": raw})


def test_override_that_drops_the_remedies_is_refused() -> None:
    raw = default_template_dicts()["refusal"]
    blocks = [b for b in raw["blocks"] if "行政复议" not in b.get("text", "")]
    with pytest.raises(TemplateIncomplete) as e:
        TemplateSet.for_office({"refusal": {"blocks": blocks}})
    assert e.value.code == "notice_template_incomplete" and e.value.missing == ("court", "review_authority")


def test_override_that_hides_the_correction_list_is_refused() -> None:
    raw = default_template_dicts()["correction"]
    blocks = [b for b in raw["blocks"] if b["type"] != "table"]
    with pytest.raises(TemplateIncomplete, match="list:corrections"):
        TemplateSet.for_office({"correction": {"blocks": blocks}})


def test_required_content_cannot_be_made_optional() -> None:
    raw = default_template_dicts()["refusal"]
    for b in raw["blocks"]:
        if "{reason}" in b.get("text", ""):
            b["optional"] = True
    with pytest.raises(TemplateIncomplete, match="reason"):
        TemplateSet.from_dicts({"refusal": raw})


@pytest.mark.parametrize("override", ['{"acceptance": ', '{"acceptance": []}',
                                      '{"acceptance": {"blocks": [{"type": "picture"}]}}',
                                      '{"acceptance": {"kind": "permit"}}'])
def test_malformed_override_is_refused(override: str) -> None:
    with pytest.raises(InvalidTemplate):
        TemplateSet.for_office(override)


def test_unknown_template_id() -> None:
    with pytest.raises(UnknownTemplate) as e:
        TemplateSet.defaults()["licence_withdrawal"]
    assert e.value.code == "notice_unknown_template"


def test_footer_and_page_label_are_template_data() -> None:
    ts = TemplateSet.for_office({"grant": {"footer": "{office_name}", "page_label": "{page}/{pages}"}})
    assert fill_notice(sample_data(), ts["grant"]).page_footer(2, 3) == "东莞市市场监督管理局\u30002/3"
    with pytest.raises(InvalidTemplate, match=r"page_label\.total"):
        TemplateSet.for_office({"grant": {"page_label": "{page}/{total}"}})
