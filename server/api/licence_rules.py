"""Per catalogue item: how its licences are numbered, how long they are valid and how the certificate reads
(证照规则, system administration). An item without a rule uses shared.licences.default_rule. Every field is
checked before anything is saved: a pattern without {seq}, an unknown field or a broken certificate template
is refused with its own code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import Field
from sqlalchemy import select

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, Clock, DbSession
from server.api.errors import ApiError
from server.licences.models import LicenceRule
from server.licences.store import peek_serial, rule_for
from shared.approval.events import local_day
from shared.db.models import ServiceItem
from shared.licences import LicenceRuleError, NumberingRule, certificate_template
from shared.notices import NoticeError
from shared.protocol.base import Request as Body, Response

router = APIRouter(prefix="/api/v1/admin/licence-rules", tags=["licences"])
Code = Annotated[str, Path(max_length=32)]


class RuleIn(Body):
    pattern: str = Field(max_length=100, description="fields {prefix} {item} {year} {seq} (e.g. {seq:05d})")
    prefix: str = Field(default="", max_length=20)
    validity_years: int = Field(ge=1, le=30)
    licence_name: str = Field(default="", max_length=100)
    template: dict[str, Any] = Field(default_factory=dict, description="certificate overrides, key by key")


class RuleOut(Response):
    item_code: str
    pattern: str
    prefix: str
    validity_years: int
    licence_name: str
    template: dict[str, Any]
    configured: bool
    example: str  # the number the next licence of this year would look like with serial 1
    year: int         # today's year (China time) and the serial its next licence takes: the admin screen
    next_serial: int  # previews a draft rule with them (shared.licences.NumberingRule, as the server numbers)
    next_number: str  # the number the next 制证 of this item would get under this rule


def _out(session, code: str, rule: NumberingRule, template: dict, configured: bool,  # noqa: ANN001
         clock: Clock) -> RuleOut:
    year = local_day(clock()).year
    serial = peek_serial(session, code, year)
    return RuleOut(item_code=code, pattern=rule.pattern, prefix=rule.prefix, validity_years=rule.validity_years,
                   licence_name=rule.licence_name, template=template, configured=configured,
                   example=rule.number(code, 2026, 1), year=year, next_serial=serial,
                   next_number=rule.number(code, year, serial))


def _item(session, code: str) -> None:  # noqa: ANN001
    if session.scalars(select(ServiceItem.id).where(ServiceItem.code == code)).first() is None:
        raise ApiError(404, "unknown_item", "事项不存在（no such item）", item_code=code)


@router.get("/{code}", response_model=RuleOut)
def get_rule(code: Code, session: DbSession, admin: AdminUser, clock: Clock) -> RuleOut:
    _item(session, code)
    rule, template = rule_for(session, code)
    return _out(session, code, rule, template, session.get(LicenceRule, code) is not None, clock)


@router.put("/{code}", response_model=RuleOut)
def save_rule(code: Code, body: RuleIn, request: Request, session: DbSession, admin: AdminUser,
              clock: Clock) -> RuleOut:
    _item(session, code)
    try:
        rule = NumberingRule(body.pattern, body.prefix, body.validity_years, body.licence_name)
        rule.number(code, 2026, 1)
        certificate_template(body.template)
    except LicenceRuleError as exc:
        raise ApiError(422, exc.code, f"证照规则有误（{exc.message}）", **exc.details) from None
    except NoticeError as exc:
        raise ApiError(422, getattr(exc, "code", "notice_error"), f"证书模板有误（{exc}）") from None
    row = session.get(LicenceRule, code)
    before = None if row is None else {"pattern": row.pattern, "prefix": row.prefix,
                                       "validity_years": row.validity_years, "licence_name": row.licence_name}
    if row is None:
        row = LicenceRule(item_code=code)
        session.add(row)
    row.pattern, row.prefix, row.validity_years = body.pattern, body.prefix, body.validity_years
    row.licence_name, row.template = body.licence_name, body.template
    audit_change(session, request, admin, action="licence_rule.save", target=code, before=before,
                 after=body.model_dump(exclude={"template"}))
    return _out(session, code, rule, body.template, True, clock)
