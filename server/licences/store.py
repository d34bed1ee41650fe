"""The licence register's writes: a number from the item's rule, the record made at 制证 from the case, 注销 and
补领. Called inside the command's or the route's transaction; refusals are LicenceError with a code."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.identity import KIND_OF, name_key, open_name, protect_identity, reveal_identity, seal_name
from server.approval.models import ApprovalCase
from server.licences.models import Licence, LicenceRule, LicenceSequence
from shared.crypto.keys import KeyProvider
from shared.db.models import ServiceItem
from shared.errors import DomainError
from shared.licences import (LicenceStatus, NumberingRule, default_licence_name, default_rule, status_on,
                             valid_until)
from shared.validation import mask_name

MAX_REASON = 500


class LicenceError(DomainError):
    code = "licence_error"

    def __init__(self, message: str, *, code: str, status: int = 409, **details: object) -> None:
        super().__init__(message, code=code, **details)
        self.status = status


def rule_for(session: Session, item_code: str) -> tuple[NumberingRule, dict]:
    """The item's rule and certificate template overrides; the default rule when none is configured."""
    row = session.get(LicenceRule, item_code)
    if row is None:
        return default_rule(item_code), {}
    return NumberingRule(row.pattern, row.prefix, row.validity_years, row.licence_name), dict(row.template or {})


def next_number(session: Session, item_code: str, day: dt.date) -> str:
    """The next number of the item's series for `day`'s year, its counter row locked until the commit."""
    rule, _ = rule_for(session, item_code)
    stmt = select(LicenceSequence).where(LicenceSequence.item_code == item_code,
                                         LicenceSequence.year == day.year).with_for_update()
    seq = session.scalars(stmt).one_or_none()
    if seq is None:
        seq = LicenceSequence(item_code=item_code, year=day.year, last=0)
        session.add(seq)
    seq.last += 1
    session.flush()
    return rule.number(item_code, day.year, seq.last)


def peek_serial(session: Session, item_code: str, year: int) -> int:
    """The serial the next licence of `year` would take (nothing is taken: for the admin's preview)."""
    seq = session.get(LicenceSequence, (item_code, year))
    return (seq.last if seq else 0) + 1


def licence_title(session: Session, lic: Licence) -> str:
    rule, _ = rule_for(session, lic.item_code)
    return rule.licence_name or default_licence_name(lic.item_name)


def holder_name(lic: Licence, keys: KeyProvider) -> str:
    return open_name(lic.holder_name_sealed, keys, f"licence:{lic.id}:holder_name")


def holder_id(lic: Licence, keys: KeyProvider) -> str:
    return reveal_identity(KIND_OF[lic.holder_kind], lic.holder_id_sealed, keys, f"licence:{lic.id}:holder_id")


def _set_holder(lic: Licence, name: str, identifier: str, keys: KeyProvider) -> None:
    lic.holder_name_sealed = seal_name(name, keys, f"licence:{lic.id}:holder_name")
    lic.holder_name_key = name_key(name, keys)
    # a company's name is public (市场主体登记); a person's is masked wherever it is shown without a login
    lic.holder_name_masked = name if lic.holder_kind == "company" else mask_name(name)
    p = protect_identity(KIND_OF[lic.holder_kind], identifier, keys, f"licence:{lic.id}:holder_id")
    lic.holder_id_sealed, lic.holder_id_key, lic.holder_id_masked = p.sealed, p.key, p.masked


def record_from_case(session: Session, case: ApprovalCase, number: str, day: dt.date, by: str, keys: KeyProvider,
                     now: dt.datetime, scope: str = "") -> Licence:
    """The licence 制证 makes: holder from the case's applicant, validity from the item's rule."""
    rule, _ = rule_for(session, case.item_code)
    item = session.scalars(select(ServiceItem).where(ServiceItem.code == case.item_code)).one()
    if not scope and case.sub_item_code:
        scope = next((s.name for s in item.sub_items if s.code == case.sub_item_code), "")
    lic = Licence(id=str(uuid.uuid4()), hall_id=case.hall_id, case_id=case.id, case_number=case.case_number,
                  item_code=case.item_code, item_name=item.name, scope=scope, number=number,
                  holder_kind=case.applicant_kind, valid_from=day, valid_until=valid_until(day, rule.validity_years),
                  status=LicenceStatus.VALID.value, issued_on=day, issued_by=by, created_at=now)
    clear_id = reveal_identity(KIND_OF[case.applicant_kind], case.applicant_id_sealed, keys,
                               f"case:{case.id}:applicant_id")
    _set_holder(lic, case.applicant_name or "（未填写）", clear_id, keys)
    session.add(lic)
    session.flush()
    return lic


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise LicenceError("a reason is required", code="licence_reason_required", status=422)
    if len(text) > MAX_REASON:
        raise LicenceError(f"the reason has at most {MAX_REASON} characters", code="licence_reason_too_long",
                           status=422, max_length=MAX_REASON)
    return text


def revoke(lic: Licence, reason: str, today: dt.date) -> Licence:
    """注销: a valid (or expired) licence is revoked from today; a revoked or replaced one stays as it is."""
    text = _reason(reason)
    if lic.status != LicenceStatus.VALID.value:
        raise LicenceError("only a licence in force can be revoked", code="licence_not_in_force",
                           status_now=lic.status)
    lic.status, lic.revoked_on, lic.revoke_reason = LicenceStatus.REVOKED.value, today, text
    return lic


def reissue(session: Session, lic: Licence, reason: str, today: dt.date, by: str, keys: KeyProvider,
            now: dt.datetime) -> Licence:
    """补领: a new certificate with the same number and validity; the old one is replaced (its QR code then
    says so). Only for a licence still valid today."""
    text = _reason(reason)
    if status_on(lic.status, lic.valid_until, today) is not LicenceStatus.VALID:
        raise LicenceError("only a valid licence can be reissued", code="licence_not_valid",
                           status_now=status_on(lic.status, lic.valid_until, today).value)
    new = Licence(id=str(uuid.uuid4()), hall_id=lic.hall_id, case_id=lic.case_id, case_number=lic.case_number,
                  item_code=lic.item_code, item_name=lic.item_name, scope=lic.scope, number=lic.number,
                  holder_kind=lic.holder_kind, valid_from=lic.valid_from, valid_until=lic.valid_until,
                  status=LicenceStatus.VALID.value, issued_on=today, issued_by=by, replaces_id=lic.id,
                  created_at=now, origin="reissued")
    _set_holder(new, holder_name(lic, keys), holder_id(lic, keys), keys)
    lic.status, lic.replaced_by_id, lic.revoke_reason = LicenceStatus.REPLACED.value, new.id, f"补领：{text}"
    lic.revoked_on = today
    session.add(new)
    session.flush()
    return new


# --- 延续 (renew) and 变更 (change): cases that link to the licence -------------------------------------------

ORIGIN_TEXT = {"renewed": "延续", "changed": "变更"}


def licence_for_application(session: Session, hall_id: int, item_code: str, number: str, holder_id_key: str,
                            today: dt.date) -> Licence:
    """The licence a 延续/变更 application names, checked at receipt: the certificate in force with that number,
    of this hall and item, valid today, and held by the applicant (same ID or USCC)."""
    number = (number or "").strip()
    if not number:
        raise LicenceError("name the licence to renew or change", code="licence_number_required", status=422)
    lic = session.scalars(select(Licence).where(Licence.hall_id == hall_id, Licence.number == number,
                                                Licence.replaced_by_id.is_(None))
                          .order_by(Licence.created_at.desc())).first()
    if lic is None:
        raise LicenceError("no licence with this number in this hall", code="licence_number_unknown", status=422,
                           number=number)
    if lic.item_code != item_code:
        raise LicenceError("the licence belongs to another item", code="licence_other_item", status=422,
                           licence_item=lic.item_code)
    status = status_on(lic.status, lic.valid_until, today)
    if status is not LicenceStatus.VALID:
        raise LicenceError("only a valid licence can be renewed or changed", code="licence_not_valid",
                           status_now=status.value)
    if lic.holder_id_key != holder_id_key:
        raise LicenceError("the applicant does not hold this licence", code="licence_other_holder", status=422)
    return lic


def _successor(session: Session, old: Licence, case: ApprovalCase, day: dt.date, by: str, keys: KeyProvider,
               now: dt.datetime, origin: str, valid_from: dt.date, until: dt.date, scope: str, name: str) -> Licence:
    new = Licence(id=str(uuid.uuid4()), hall_id=old.hall_id, case_id=case.id, case_number=case.case_number,
                  item_code=old.item_code, item_name=old.item_name, scope=scope, number=old.number,
                  holder_kind=old.holder_kind, valid_from=valid_from, valid_until=until,
                  status=LicenceStatus.VALID.value, issued_on=day, issued_by=by, replaces_id=old.id,
                  created_at=now, origin=origin)
    _set_holder(new, name, holder_id(old, keys), keys)
    old.status, old.replaced_by_id, old.revoked_on = LicenceStatus.REPLACED.value, new.id, day
    old.revoke_reason = f"{ORIGIN_TEXT[origin]}：办件{case.case_number}"
    session.add(new)
    session.flush()
    return new


def number_of(session: Session, licence_id: str) -> str:
    lic = session.get(Licence, licence_id)
    return lic.number if lic else ""


def apply_case(session: Session, case: ApprovalCase, number: str, day: dt.date, by: str, keys: KeyProvider,
               now: dt.datetime) -> Licence:
    """制证 of a 延续/变更 case: the named licence gets a successor certificate with the same number, and the
    old one is replaced (its QR code then says so). 延续: valid from the day after the old last day, for the
    item's validity. 变更: the validity stays; holder name and scope come from the case (scope kept when the case
    names no sub-item). Refused when the licence is no longer in force (revoked or replaced since receipt)."""
    old = session.get(Licence, case.licence_id)
    if old is None or old.status != LicenceStatus.VALID.value or old.replaced_by_id:
        raise LicenceError("the licence is no longer in force", code="licence_not_valid",
                           status_now=old.status if old else "missing")
    if number != old.number:  # 延续/变更 keep the licence's number
        raise LicenceError("a renewal or change keeps the licence's number", code="licence_number_kept",
                           status=422, number=old.number)
    if case.licence_action == "renew":
        rule, _ = rule_for(session, old.item_code)
        start = old.valid_until + dt.timedelta(days=1)
        return _successor(session, old, case, day, by, keys, now, "renewed", start,
                          valid_until(start, rule.validity_years), old.scope, holder_name(old, keys))
    item = session.scalars(select(ServiceItem).where(ServiceItem.code == case.item_code)).one()
    scope = next((s.name for s in item.sub_items if s.code == case.sub_item_code), "") or old.scope
    return _successor(session, old, case, day, by, keys, now, "changed", old.valid_from, old.valid_until, scope,
                      case.applicant_name or holder_name(old, keys))


def history(session: Session, lic: Licence) -> list[dict]:
    """Every certificate of this licence's number in its hall and item, oldest first, with the case that made it
    (制证, 补领 keeps the case, 延续, 变更) and the applications naming it still under way."""
    rows = session.scalars(select(Licence).where(Licence.hall_id == lic.hall_id, Licence.item_code == lic.item_code,
                                                 Licence.number == lic.number)
                           .order_by(Licence.created_at, Licence.issued_on)).all()
    ids = [r.id for r in rows]
    ended = ("not_accepted", "decided_refused", "withdrawn", "terminated")  # ended without touching it
    pending = session.scalars(select(ApprovalCase).where(ApprovalCase.licence_id.in_(ids),
                                                         ApprovalCase.status.not_in(ended))).all()
    made = {r.case_id for r in rows}
    return ([{"licence_id": r.id, "origin": r.origin, "case_number": r.case_number, "issued_on": r.issued_on,
              "valid_from": r.valid_from, "valid_until": r.valid_until, "status": r.status} for r in rows] +
            [{"licence_id": c.licence_id, "origin": f"{c.licence_action}_applied", "case_number": c.case_number,
              "issued_on": None, "valid_from": None, "valid_until": None, "status": c.status}
             for c in pending if c.id not in made])
