"""A made-up case with every value any template may print: what an admin previews notice settings on before
saving them (示例, never a real applicant)."""

from __future__ import annotations

import datetime as dt

from shared.notices.model import (Applicant, Correction, Licence, Material, NoticeData, Office,
                                  SpecialProcedure)

SAMPLE_TOKEN = "PreviewOnly0000SampleNotice"  # a preview's QR code points nowhere real


def sample_notice(office: Office, issue_date: dt.date) -> NoticeData:
    """One case serves every kind: each template picks what it prints."""
    day = issue_date
    return NoticeData(
        case_number="SAMPLE-0001", issue_date=day, office=office,
        applicant=Applicant(name="示例申请人", uscc="91441900MA4UJ5XL3D"),
        verification_token=SAMPLE_TOKEN, item_name="示例事项", sub_item_name=None, situation_name="示例情形",
        received_date=day, accepted_date=day, statutory_limit_days=20,
        materials=(Material("申请书", 1, "原件"), Material("营业执照", 1, "复印件")),
        corrections=(Correction("申请书", "缺少申请人签章，请签章后重新提交"),),
        correction_deadline=day + dt.timedelta(days=7),
        reason="示例理由：申请材料不符合法定形式", legal_basis="《中华人民共和国行政许可法》第三十二条",
        competent_authority=office.name, extension_days=10, extended_due_date=day + dt.timedelta(days=40),
        special_procedure=SpecialProcedure("检验", 15, True, day),
        licence=Licence("示例许可证", "示例-0001", day + dt.timedelta(days=365 * 5), "示例内容"),
        clerk_name="示例经办人")

