"""Shared sample data and PDF helpers for the notice tests. Sample PDFs and page images go to the gitignored
tests/screenshots/notices/ folder so a person can look at every notice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from shared.notices import (Applicant, Correction, Licence, Material, NoticeData, Office, SpecialProcedure,
                            TemplateSet)

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "notices"
TOKEN = "k7Qm2ZpX9vT4rW8yN3bLc6Hd0aFe"
RESIDENT_ID = "11010519491231002X"
MASKED_ID = "110105********002X"

OFFICE = Office(name="东莞市市场监督管理局", verification_base_url="https://zwfw.dg.example.gov.cn/verify/",
                phone="0769-22110000", address="东莞市南城街道鸿福路99号",
                review_authority="东莞市人民政府", court="东莞市第一人民法院")

CORRECTIONS = (
    Correction("特种设备使用登记表", "缺少使用单位公章，请加盖公章后重新提交"),
    Correction("电梯安装监督检验报告", "报告已超过有效期，请提交有效期内的报告原件及复印件各一份"),
    Correction("安全管理人员证书", "证书持有人姓名与登记表所填不一致，请核对后提交正确的证书复印件"),
)


def sample_data(**changes) -> NoticeData:
    """A case with every value any shipped template may need."""
    data = NoticeData(
        case_number="DG2026112200017", issue_date=dt.date(2026, 11, 22), office=OFFICE,
        applicant=Applicant(name="张三", resident_id=RESIDENT_ID, phone="13812345678"),
        verification_token=TOKEN, item_name="特种设备使用登记", sub_item_name="电梯", situation_name="变更",
        received_date=dt.date(2026, 11, 20), accepted_date=dt.date(2026, 11, 20), statutory_limit_days=20,
        materials=(Material("特种设备使用登记表", 2, "原件"), Material("电梯安装监督检验报告", 1, "复印件", "核对原件"),
                   Material("安全管理人员证书", 1, "复印件")),
        corrections=CORRECTIONS, correction_deadline=dt.date(2026, 12, 4),
        reason="申请人提交的电梯监督检验报告结论为不合格，不符合《特种设备使用管理规则》规定的登记条件",
        legal_basis="《中华人民共和国特种设备安全法》第三十三条",
        competent_authority="东莞市松山湖市场监督管理分局",
        extension_days=10, extended_due_date=dt.date(2026, 12, 31),
        special_procedure=SpecialProcedure("检验", 15, True, dt.date(2026, 11, 25)),
        licence=Licence("特种设备使用登记证", "梯11粤S00123(26)", dt.date(2031, 11, 21), "乘客电梯1台"),
        clerk_name="李四")
    return dataclasses.replace(data, **changes)


@pytest.fixture(scope="session")
def templates() -> TemplateSet:
    return TemplateSet.defaults()


def squash(text: str) -> str:
    """Text without white space: PDF extraction puts line breaks wherever the layout wrapped a line."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def char_boxes_mm(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """(character, left, top, right, bottom) in millimetres from the page's top left, for every printed
    character on every page."""
    doc, mm = pypdfium2.PdfDocument(pdf), 25.4 / 72
    boxes = []
    for page in doc:
        height, text = page.get_height(), page.get_textpage()
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if ch.strip():
                left, bottom, right, top = text.get_charbox(i)
                boxes.append((ch, left * mm, (height - top) * mm, right * mm, (height - bottom) * mm))
    return boxes


def pdf_page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def render_page(pdf: bytes, page: int = 0, dpi: int = 200) -> Image.Image:
    return pypdfium2.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()


def save_sample(name: str, pdf: bytes) -> Path:
    """The PDF and, when poppler is installed, page 1 as PNG rendered by pdftoppm."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(path.with_suffix(""))], check=True)
    return path
