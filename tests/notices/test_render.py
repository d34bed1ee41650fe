"""Every shipped notice renders to a PDF whose text, read back with PDFium, is complete and correct."""

from __future__ import annotations

import dataclasses
import functools
import time

import pytest

from shared.notices import Applicant, NoticeKind, TemplateSet, render_notice
from tests.notices.conftest import (CORRECTIONS, char_boxes_mm, MASKED_ID, RESIDENT_ID, pdf_page_count, pdf_text, sample_data,
                                    save_sample, squash)

TITLES = {
    NoticeKind.RECEIPT: "收件回执",
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.CORRECTION: "补正材料通知书",
    NoticeKind.REFUSAL_OF_ACCEPTANCE: "不予受理决定书",
    NoticeKind.SPECIAL_PROCEDURE: "特别程序告知书",
    NoticeKind.EXTENSION: "延长审批期限告知书",
    NoticeKind.GRANT: "准予行政许可决定书",
    NoticeKind.REFUSAL: "不予行政许可决定书",
}
REMEDIES = ("六十日内向东莞市人民政府申请行政复议", "六个月内依法向东莞市第一人民法院提起行政诉讼")


@functools.cache
def rendered_pdf(kind: NoticeKind) -> bytes:
    """Each shipped notice rendered once per test run and saved for a person to look at."""
    started = time.perf_counter()
    pdf = render_notice(sample_data(), TemplateSet.defaults()[kind.value])
    elapsed = time.perf_counter() - started
    save_sample(kind.value, pdf)
    print(f"{kind.value}: {elapsed:.2f} s, {len(pdf)} bytes")  # shown with -s; the report quotes these
    return pdf


def rendered_text(kind: NoticeKind) -> str:
    return squash(pdf_text(rendered_pdf(kind)))


def assert_inside_printable_area(pdf: bytes) -> None:
    # Content lies within the 28/26 mm side margins; one hanging punctuation mark may reach ~5 mm further.
    for ch, left, top, right, bottom in char_boxes_mm(pdf):
        assert left >= 27 and right <= 189 and top >= 7 and bottom <= 290, f"{ch!r} at {left:.0f},{top:.0f} mm"


@pytest.fixture(params=list(NoticeKind), ids=lambda k: k.value)
def rendered(request) -> tuple[NoticeKind, str]:
    return request.param, rendered_text(request.param)


def test_every_notice_shows_title_case_office_date_and_masked_id(rendered) -> None:
    kind, text = rendered
    for expected in (TITLES[kind], "DG2026112200017", "东莞市市场监督管理局", "2026年11月22日", MASKED_ID, "（盖章）"):
        assert expected in text, f"{kind.value}: {expected!r} missing"
    assert RESIDENT_ID not in text, "the full ID number must not be printed on a default notice"
    assert "13812345678" not in text


def test_nothing_is_printed_outside_the_printable_area(rendered) -> None:
    kind, _ = rendered
    assert_inside_printable_area(rendered_pdf(kind))


def test_long_names_wrap_inside_the_page(templates) -> None:
    office = dataclasses.replace(sample_data().office, name="东莞市松山湖高新技术产业开发区管理委员会市场监督管理局特种设备安全监察分局")
    data = sample_data(office=office, item_name="特种设备使用登记（含场（厂）内专用机动车辆、大型游乐设施及客运索道）" * 2,
                       reason="检验报告" * 60, extra={"x_prefix": "东松山湖管委会市监特设许可" * 3})
    ts = TemplateSet.for_office({"refusal": {"number_line": "{x_prefix}〔{year}〕{case_number}号"}})
    pdf = render_notice(data, ts["refusal"])
    save_sample("refusal_long_names", pdf)
    assert_inside_printable_area(pdf)
    assert squash(office.name) in squash(pdf_text(pdf))


def test_no_placeholder_is_left_unfilled(rendered) -> None:
    kind, text = rendered
    assert "{" not in text and "}" not in text, kind.value


def test_correction_notice_lists_every_item_with_its_reason_and_the_deadline() -> None:
    text = rendered_text(NoticeKind.CORRECTION)
    for c in CORRECTIONS:
        assert squash(c.material) in text and squash(c.reason) in text
    assert "共3项" in text and "2026年12月4日前" in text and "视为放弃本次申请" in text


@pytest.mark.parametrize("kind", [NoticeKind.REFUSAL, NoticeKind.REFUSAL_OF_ACCEPTANCE], ids=lambda k: k.value)
def test_refusals_give_reason_legal_basis_and_remedies(kind: NoticeKind) -> None:
    text = rendered_text(kind)
    assert "电梯监督检验报告结论为不合格" in text
    assert "根据《中华人民共和国特种设备安全法》第三十三条的规定" in text
    for remedy in REMEDIES:
        assert remedy in text


def test_special_procedure_names_category_duration_and_that_time_is_not_counted() -> None:
    text = rendered_text(NoticeKind.SPECIAL_PROCEDURE)
    assert "依法进行检验，预计所需时间为15个工作日" in text
    assert "所需时间不计算在行政许可的法定期限内" in text


def test_receipt_lists_every_material() -> None:
    text = rendered_text(NoticeKind.RECEIPT)
    for name in ("特种设备使用登记表", "电梯安装监督检验报告", "安全管理人员证书", "核对原件"):
        assert name in text
    assert "138****5678" in text and "收件人李四" in text


def test_acceptance_extension_and_grant_state_their_substance() -> None:
    assert "决定予以受理" in rendered_text(NoticeKind.ACCEPTANCE)
    assert "20个工作日内作出行政许可决定" in rendered_text(NoticeKind.ACCEPTANCE)
    assert "审批期限延长10个工作日" in rendered_text(NoticeKind.EXTENSION)
    assert "2026年12月31日前作出行政许可决定" in rendered_text(NoticeKind.EXTENSION)
    grant = rendered_text(NoticeKind.GRANT)
    assert "决定准予行政许可" in grant and "梯11粤S00123(26)" in grant and "2031年11月21日" in grant


def test_organisation_applicant_shows_its_uscc(templates) -> None:
    data = sample_data(applicant=Applicant(name="东莞市某某电梯有限公司", uscc="91350100m000100y43"))
    text = squash(pdf_text(render_notice(data, templates["grant"])))
    assert "统一社会信用代码91350100M000100Y43" in text
    assert "东莞市某某电梯有限公司：" in text and "特种设备使用登记证" in text


def test_applicant_copy_template_prints_full_identifiers(templates) -> None:
    copy = dataclasses.replace(templates["receipt"], show_full_identifiers=True, copy_label="申请人留存联")
    pdf = render_notice(sample_data(), copy)
    save_sample("receipt_applicant_copy", pdf)
    text = squash(pdf_text(pdf))
    assert RESIDENT_ID in text and "联系电话13812345678" in text and "申请人留存联" in text


def test_long_correction_list_flows_onto_more_pages_without_losing_an_item(templates) -> None:
    many = tuple(dataclasses.replace(CORRECTIONS[i % 3], material=f"第{i + 1}份材料") for i in range(40))
    pdf = render_notice(sample_data(corrections=many), templates["correction"])
    save_sample("correction_long", pdf)
    text = squash(pdf_text(pdf))
    assert pdf_page_count(pdf) >= 2
    assert all(f"第{i + 1}份材料" in text for i in range(40))
    assert f"第1页共{pdf_page_count(pdf)}页" in text and "2026年11月22日" in text
