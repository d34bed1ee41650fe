"""Licence rules (证照): the numbering pattern per catalogue item, the validity period, the status a licence
shows on a given day, and the certificate as a shared.notices document. Plain Python: the server applies
them; a client reading synced rows or rendering a certificate reads the same ones."""

from __future__ import annotations

import datetime as dt
import enum
import string
from dataclasses import dataclass
from typing import Any

from shared.errors import DomainError
from shared.notices import Applicant, Licence, NoticeData, Office, Template, format_date, render_notice
from shared.notices.templates import template_from_dict

PLACEHOLDERS = {"prefix", "item", "year", "seq"}
MAX_NUMBER = 60  # the case's licence_no field holds 60 characters
MAX_VALIDITY_YEARS = 30


class LicenceStatus(str, enum.Enum):
    VALID = "valid"         # 有效
    REVOKED = "revoked"     # 已注销
    EXPIRED = "expired"     # 已过期 (derived from valid_until, never stored)
    REPLACED = "replaced"   # 已换发 (补领 issued a new certificate)


class LicenceRuleError(DomainError):
    code = "licence_rule_invalid"


@dataclass(frozen=True)
class NumberingRule:
    pattern: str = "{prefix}{year}{seq:05d}"
    prefix: str = ""
    validity_years: int = 5
    licence_name: str = ""  # the certificate's title; "" = the item's name + 许可证

    def __post_init__(self) -> None:
        check_pattern(self.pattern)
        if not 1 <= self.validity_years <= MAX_VALIDITY_YEARS:
            raise LicenceRuleError(f"validity between 1 and {MAX_VALIDITY_YEARS} years",
                                   code="licence_validity_invalid", validity_years=self.validity_years)

    def number(self, item_code: str, year: int, seq: int) -> str:
        text = self.pattern.format(prefix=self.prefix, item=item_code, year=year, seq=seq)
        if not text or len(text) > MAX_NUMBER:
            raise LicenceRuleError(f"a licence number has 1 to {MAX_NUMBER} characters", code="licence_number_too_long",
                                   number=text[:80])
        return text


def default_rule(item_code: str) -> NumberingRule:
    """Without a configured rule: `<item code>-<year><serial of 5 digits>`, e.g. 00785-202600001, five years."""
    return NumberingRule(prefix=f"{item_code}-")


def default_licence_name(item_name: str) -> str:
    """The certificate's title from the item's name: 工业产品生产许可证核发 → 工业产品生产许可证,
    特种设备使用登记 → 特种设备使用登记证, 计量标准器具核准 → 计量标准器具核准证书."""
    name = item_name.strip().removesuffix("核发")
    if name.endswith(("证", "证书", "执照")):
        return name
    if name.endswith(("核准", "授权", "考核")):
        return name + "证书"
    return name + ("证" if name.endswith("登记") else "许可证")


def check_pattern(pattern: str) -> None:
    """The pattern must name {seq} (else two licences share a number) and nothing but the known fields."""
    try:
        fields = [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern) if name is not None]
        pattern.format(prefix="", item="00000", year=2026, seq=1)
    except (ValueError, IndexError, KeyError) as e:
        raise LicenceRuleError(f"unreadable pattern ({e})", pattern=pattern) from None
    names = {name for name, _ in fields}
    if names - PLACEHOLDERS:
        raise LicenceRuleError("unknown fields in the pattern", pattern=pattern, unknown=sorted(names - PLACEHOLDERS))
    if "seq" not in names:
        raise LicenceRuleError("the pattern must contain {seq}", code="licence_pattern_without_seq", pattern=pattern)


def valid_until(valid_from: dt.date, years: int) -> dt.date:
    """The last valid day: the day before the same date `years` later (29 Feb counts from 1 Mar)."""
    try:
        end = valid_from.replace(year=valid_from.year + years)
    except ValueError:
        end = dt.date(valid_from.year + years, 3, 1)
    return end - dt.timedelta(days=1)


def status_on(stored: str, until: dt.date, day: dt.date) -> LicenceStatus:
    """What a licence is on `day`: revoked and replaced stay so; a valid one past its last day is expired."""
    status = LicenceStatus(stored)
    if status is LicenceStatus.VALID and day > until:
        return LicenceStatus.EXPIRED
    return status


# The certificate (证照) as a shared.notices template: kind "grant" (it carries the grant's legal basis);
# x_ placeholders are the licence's own fields. Per item, LicenceRule.template overrides it key by key.
CERTIFICATE_ID = "licence_certificate"
CERTIFICATE = {
    "kind": "grant",
    "title": "{licence_name}",
    "number_line": "证书编号：{licence_number}",
    "blocks": [
        {"type": "fields", "rows": [
            {"label": "持证人", "value": "{applicant_name}"},
            {"label": "{applicant_identifier_label}", "value": "{applicant_identifier}", "optional": True},
            {"label": "许可事项", "value": "{item_full_name}"},
            {"label": "许可范围", "value": "{licence_content}", "optional": True},
            {"label": "有效期", "value": "{x_valid_from}至{licence_valid_until}"},
            {"label": "发证依据", "value": "{legal_basis}"},
            {"label": "办件编号", "value": "{case_number}"},
        ]},
        {"type": "paragraph", "text": "本证书是持证人依法取得的行政许可凭证。扫描本证书上的二维码，可核验其真伪及当前状态。"},
    ],
    "signature": {"office": "{office_name}", "seal": "（发证机关印章）", "date": "{issue_date}"},
    "footer": "证书编号：{licence_number}",
    "page_label": "第{page}页　共{pages}页",
    "qr_caption": "扫码核验",
    "show_full_identifiers": True,  # the holder's own document
}
DEFAULT_LEGAL_BASIS = "《中华人民共和国行政许可法》第三十九条"


def certificate_template(overrides: dict[str, Any] | None = None) -> Template:
    """The certificate template with an item's overrides (shared.notices' format) applied key by key."""
    raw = {**CERTIFICATE, **(overrides or {})}
    return template_from_dict(CERTIFICATE_ID, raw)


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    licence_name: str
    item_name: str
    scope: str
    holder: Applicant
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    case_number: str
    office: Office
    token: str
    legal_basis: str = DEFAULT_LEGAL_BASIS


def certificate_data(f: CertificateFacts) -> NoticeData:
    return NoticeData(case_number=f.case_number, issue_date=f.issued_on, office=f.office, applicant=f.holder,
                      verification_token=f.token, item_name=f.item_name, legal_basis=f.legal_basis,
                      licence=Licence(f.licence_name, f.number, f.valid_until, f.scope or None),
                      extra={"x_valid_from": format_date(f.valid_from)})


def render_certificate(f: CertificateFacts, overrides: dict[str, Any] | None = None,
                       seal_png: bytes | None = None) -> bytes:
    return render_notice(certificate_data(f), certificate_template(overrides), seal_png=seal_png)
