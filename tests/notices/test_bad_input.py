"""Bad input never yields a notice: each case raises a typed error with a stable code naming the problem."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from shared.errors import DomainError
from shared.notices import (Applicant, EmptyList, InvalidNoticeData, MissingPlaceholder, SpecialProcedure,
                            UnprintableCharacter, WeakVerificationToken, fill_notice, render_notice)
from shared.validation import InvalidIdentifier
from tests.notices.conftest import pdf_text, sample_data


def test_missing_placeholders_are_all_named_at_once(templates) -> None:
    data = sample_data(reason=None, legal_basis="  ")
    with pytest.raises(MissingPlaceholder) as e:
        render_notice(data, templates["refusal"])
    assert e.value.code == "notice_missing_placeholder"
    assert e.value.names == ("legal_basis", "reason")
    assert isinstance(e.value, DomainError) and e.value.to_dict()["details"]["names"] == ["legal_basis", "reason"]


def test_missing_office_remedy_bodies_refuse_the_refusal(templates) -> None:
    data = sample_data(office=dataclasses.replace(sample_data().office, review_authority=None, court=None))
    with pytest.raises(MissingPlaceholder) as e:
        fill_notice(data, templates["refusal_of_acceptance"])
    assert e.value.names == ("court", "review_authority")


def test_missing_value_in_optional_paragraph_drops_only_that_paragraph(templates) -> None:
    text = fill_notice(sample_data(competent_authority=None), templates["refusal_of_acceptance"]).text()
    assert "提出申请" not in text and "本机关决定不予受理" in text
    with_it = fill_notice(sample_data(), templates["refusal_of_acceptance"]).text()
    assert "你（单位）可以向东莞市松山湖市场监督管理分局提出申请。" in with_it


def test_correction_notice_without_corrections_is_refused(templates) -> None:
    with pytest.raises(EmptyList) as e:
        render_notice(sample_data(corrections=()), templates["correction"])
    assert e.value.code == "notice_empty_list" and e.value.source == "corrections"


def test_receipt_without_materials_is_refused(templates) -> None:
    with pytest.raises(EmptyList):
        fill_notice(sample_data(materials=()), templates["receipt"])


@pytest.mark.parametrize("uscc, code", [("91350100M000100Y44", "bad_check_character"),
                                        ("9135010OM000100Y43", "bad_character"), ("9135", "wrong_length")])
def test_invalid_uscc_is_refused_with_the_validators_code(templates, uscc: str, code: str) -> None:
    data = sample_data(applicant=Applicant(name="东莞市某某电梯有限公司", uscc=uscc))
    with pytest.raises(InvalidIdentifier) as e:
        render_notice(data, templates["grant"])
    assert e.value.code == code and e.value.kind == "uscc"


def test_invalid_resident_id_is_refused(templates) -> None:
    data = sample_data(applicant=Applicant(name="张三", resident_id="110105194912310021"))
    with pytest.raises(InvalidIdentifier) as e:
        fill_notice(data, templates["acceptance"])
    assert e.value.code == "bad_check_character" and e.value.kind == "resident_id"


@pytest.mark.parametrize("token", ["short", "k7Qm2ZpX9vT4rW8yN3bLc6H/d", "DG2026112200017-0000000000"])
def test_guessable_or_unsafe_verification_token_is_refused(templates, token: str) -> None:
    with pytest.raises(WeakVerificationToken) as e:
        fill_notice(sample_data(verification_token=token), templates["acceptance"])
    assert e.value.code == "notice_weak_verification_token" and e.value.field == "verification_token"


@pytest.mark.parametrize("changes, field", [
    ({"special_procedure": SpecialProcedure("现场核查", 5)}, "special_procedure.category"),
    ({"special_procedure": SpecialProcedure("检测", 0)}, "special_procedure.expected_days"),
    ({"case_number": " "}, "case_number"),
    ({"extension_days": -3}, "extension_days"),
    ({"extra": {"Doc Prefix": "x"}}, "extra['Doc Prefix']"),
    ({"extra": {"x_year": 2026}}, "extra['x_year']"),
    ({"received_date": dt.date(2026, 11, 23)}, "received_date"),
    ({"correction_deadline": dt.date(2026, 11, 22)}, "correction_deadline"),
])
def test_unusable_values_name_their_field(templates, changes: dict, field: str) -> None:
    with pytest.raises(InvalidNoticeData) as e:
        fill_notice(sample_data(**changes), templates["special_procedure"])
    assert e.value.code == "notice_invalid_data" and e.value.field == field


def test_rare_characters_the_font_has_are_printed(templates) -> None:
    data = sample_data(applicant=Applicant(name="王䶮", resident_id="11010519491231002X"))
    assert "王䶮：" in pdf_text(render_notice(data, templates["acceptance"]))


def test_character_the_font_lacks_is_refused_instead_of_printing_a_box(templates) -> None:
    data = sample_data(applicant=Applicant(name="张\U0003134A", resident_id="11010519491231002X"))  # CJK Ext. G
    with pytest.raises(UnprintableCharacter) as e:
        render_notice(data, templates["acceptance"])
    assert e.value.code == "notice_unprintable_character" and e.value.characters == ("\U0003134A",)
