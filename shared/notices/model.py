"""The plain data a notice is filled from. Callers (the approval engine, the counter client, the server) build a
NoticeData from their own records; this package never looks anything up."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from shared.notices.errors import InvalidNoticeData, WeakVerificationToken
from shared.validation import check_resident_id, check_uscc


class NoticeKind(str, enum.Enum):
    RECEIPT = "receipt"                                # 收件回执
    ACCEPTANCE = "acceptance"                          # 受理通知书 (Art. 32(5))
    CORRECTION = "correction"                          # 补正材料通知书 (Art. 32(4))
    REFUSAL_OF_ACCEPTANCE = "refusal_of_acceptance"    # 不予受理决定书
    SPECIAL_PROCEDURE = "special_procedure"            # 特别程序告知书 (Art. 45)
    EXTENSION = "extension"                            # 延长审批期限告知书 (Art. 42)
    GRANT = "grant"                                    # 准予行政许可决定书
    REFUSAL = "refusal"                                # 不予行政许可决定书


# Art. 45 names exactly these procedures whose time is not counted in the statutory limit.
SPECIAL_PROCEDURE_CATEGORIES = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审")

# 128 bits in base64url is 22 characters; anything shorter could be guessed or enumerated.
MIN_TOKEN_LENGTH = 22
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Office:
    name: str
    verification_base_url: str  # the token is appended, e.g. https://zwfw.example.gov.cn/verify/
    phone: str | None = None
    address: str | None = None
    review_authority: str | None = None  # 行政复议机关 named in the remedies
    court: str | None = None             # 人民法院 named in the remedies


@dataclass(frozen=True)
class Applicant:
    name: str
    resident_id: str | None = None  # a person's 居民身份证号码
    uscc: str | None = None         # an organisation's 统一社会信用代码
    phone: str | None = None
    # Only the masked identifier (as the case row carries it) where the clear one is not held: an approver's
    # workstation. Printed as it is, whatever the template says.
    resident_id_masked: str | None = None
    uscc_masked: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Material:
    name: str
    copies: int = 1
    form: str | None = None  # e.g. 原件 / 复印件 / 电子件, as the catalogue words it
    note: str | None = None


@dataclass(frozen=True)
class Correction:
    material: str
    reason: str  # what is wrong and what to bring: Art. 32(4) wants every item and why, at once


@dataclass(frozen=True)
class SpecialProcedure:
    category: str           # one of SPECIAL_PROCEDURE_CATEGORIES
    expected_days: int
    working_days: bool = True
    start_date: dt.date | None = None


@dataclass(frozen=True)
class Licence:
    name: str
    number: str | None = None
    valid_until: dt.date | None = None
    content: str | None = None  # 许可内容 / 许可范围


@dataclass(frozen=True)
class NoticeData:
    case_number: str
    issue_date: dt.date
    office: Office
    applicant: Applicant
    verification_token: str
    item_name: str
    sub_item_name: str | None = None
    situation_name: str | None = None
    received_date: dt.date | None = None
    accepted_date: dt.date | None = None
    materials: tuple[Material, ...] = ()
    corrections: tuple[Correction, ...] = ()
    correction_deadline: dt.date | None = None
    reason: str | None = None
    legal_basis: str | None = None
    competent_authority: str | None = None  # where to apply instead, when refused for lack of jurisdiction
    statutory_limit_days: int | None = None
    extension_days: int | None = None
    extended_due_date: dt.date | None = None
    special_procedure: SpecialProcedure | None = None
    licence: Licence | None = None
    clerk_name: str | None = None
    # Office-specific placeholders named x_…, e.g. {"x_doc_prefix": "东市监许"} for a 文号 line.
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def verification_url(self) -> str:
        return self.office.verification_base_url + self.verification_token


def validate(data: NoticeData) -> None:
    """Raise on the first unusable value: InvalidIdentifier for a bad ID number or USCC (its own codes),
    WeakVerificationToken, or InvalidNoticeData naming the field."""
    if not data.case_number.strip():
        raise InvalidNoticeData("case_number", "is empty")
    if not data.applicant.name.strip():
        raise InvalidNoticeData("applicant.name", "is empty")
    if data.applicant.resident_id:
        check_resident_id(data.applicant.resident_id, today=data.issue_date)
    if data.applicant.uscc:
        check_uscc(data.applicant.uscc)
    _check_verification(data)
    if data.special_procedure is not None:
        if data.special_procedure.category not in SPECIAL_PROCEDURE_CATEGORIES:
            raise InvalidNoticeData("special_procedure.category",
                                    f"{data.special_procedure.category!r} is not a procedure named in Art. 45")
        if data.special_procedure.expected_days <= 0:
            raise InvalidNoticeData("special_procedure.expected_days", "must be positive")
    _check_dates(data)
    for name in ("statutory_limit_days", "extension_days"):
        value = getattr(data, name)
        if value is not None and value <= 0:
            raise InvalidNoticeData(name, "must be positive")
    for i, m in enumerate(data.materials):
        if not m.name.strip() or m.copies <= 0:
            raise InvalidNoticeData(f"materials[{i}]", "needs a name and a positive number of copies")
    for i, c in enumerate(data.corrections):
        if not c.material.strip() or not c.reason.strip():
            raise InvalidNoticeData(f"corrections[{i}]", "needs the material and the reason to correct it")
    for key, value in data.extra.items():
        if not re.fullmatch(r"x_[a-z0-9_]+", key):
            raise InvalidNoticeData(f"extra[{key!r}]", "office-specific placeholder names look like x_name")
        if not isinstance(value, str):
            raise InvalidNoticeData(f"extra[{key!r}]", "must be text")


def _check_dates(data: NoticeData) -> None:
    # A notice that reports a future receipt, or sets a deadline already past, is a bug upstream.
    for name in ("received_date", "accepted_date"):
        day = getattr(data, name)
        if day is not None and day > data.issue_date:
            raise InvalidNoticeData(name, f"{day} is after the notice's date {data.issue_date}")
    for name in ("correction_deadline", "extended_due_date"):
        day = getattr(data, name)
        if day is not None and day <= data.issue_date:
            raise InvalidNoticeData(name, f"{day} is not after the notice's date {data.issue_date}")


def _check_verification(data: NoticeData) -> None:
    base = data.office.verification_base_url
    if not base.startswith(("https://", "http://")):
        raise InvalidNoticeData("office.verification_base_url", "must be an http(s) URL")
    token = data.verification_token
    if len(token) < MIN_TOKEN_LENGTH:
        raise WeakVerificationToken(f"must have at least {MIN_TOKEN_LENGTH} characters, got {len(token)}")
    if not _TOKEN_RE.fullmatch(token):
        raise WeakVerificationToken("must use URL-safe characters only (A-Z a-z 0-9 _ -)")
    if data.case_number.strip() in token:
        raise WeakVerificationToken("must not contain the case number")
