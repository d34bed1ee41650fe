"""An administrator's catalogue edit, versioned: the item's rows change for what the counter offers next, and
every situation whose limits or required materials changed gets a new workflow definition version carrying
them. A case keeps the definition version it was received under, so an edit never alters a case already
received (its limits, its required materials, its deadlines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.approval import definitions
from server.approval.models import ApprovalCase, ApprovalDefinition
from server.attachments import samples
from shared.db.models import Department, ServiceItem, Situation
from shared.db.models.catalogue import ITEM_CATEGORIES, MATERIAL_FORMS, Material, SubItem
from shared.errors import DomainError
from shared.protocol.catalogue import ItemIn


class CatalogueInvalid(DomainError):
    code = "catalogue_invalid"

    def __init__(self, message: str, **where: Any) -> None:
        super().__init__(message, **where)


class SubItemInUse(CatalogueInvalid):
    code = "sub_item_in_use"


def check(code: str, body: ItemIn, session: Session) -> None:
    """Every rule a catalogue row must keep, with the field at fault (nothing is written before this passes)."""
    if body.category not in ITEM_CATEGORIES:
        raise CatalogueInvalid("事项类别应为行政许可或公共服务", field="category", allowed=list(ITEM_CATEGORIES))
    if body.promised_limit_days > body.statutory_limit_days:
        raise CatalogueInvalid("承诺时限不能超过法定时限", field="promised_limit_days")
    if body.department_id is not None and session.get(Department, body.department_id) is None:
        raise CatalogueInvalid("部门不存在", field="department_id")
    _unique([s.code for s in body.situations], "情形编码重复", "situations")
    _unique([s.name for s in body.situations], "情形名称重复", "situations")
    _unique([s.code for s in body.sub_items], "子项编码重复", "sub_items")
    for situation in body.situations:
        _unique([m.name for m in situation.materials], f"情形“{situation.name}”的材料重复", "materials")
        for material in situation.materials:
            if material.form not in MATERIAL_FORMS:
                raise CatalogueInvalid(f"材料“{material.name}”的形式应为原件、复印件、原件和复印件或电子材料",
                                       field="form", allowed=list(MATERIAL_FORMS))
        owner = session.scalars(select(ServiceItem.code).join(Situation).where(
            Situation.code == situation.code)).first()
        if owner is not None and owner != code:
            raise CatalogueInvalid(f"情形编码 {situation.code} 已属于事项 {owner}", field="situations")
    listed = {s.code for s in body.situations}
    kept = session.scalars(select(Situation.name).join(ServiceItem).where(
        ServiceItem.code == code, Situation.code.not_in(listed))).all()  # unlisted situations stay as they are
    clash = set(kept) & {s.name for s in body.situations}
    if clash:
        raise CatalogueInvalid(f"情形名称“{sorted(clash)[0]}”已被本事项的其他情形使用", field="situations")
    for sub in body.sub_items:
        owner = session.scalars(select(ServiceItem.code).join(SubItem).where(SubItem.code == sub.code)).first()
        if owner is not None and owner != code:
            raise CatalogueInvalid(f"子项编码 {sub.code} 已属于事项 {owner}", field="sub_items")
    _check_removed(code, body, session)


def _check_removed(code: str, body: ItemIn, session: Session) -> None:
    """A sub-item may be deleted when it is this item's, not also kept by the same save, and no case names it
    (a case keeps the sub-item it was received for: its licence's scope is read from it)."""
    listed = {s.code for s in body.sub_items}
    for sub_code in body.removed_sub_items:
        owner = session.scalars(select(ServiceItem.code).join(SubItem).where(SubItem.code == sub_code)).first()
        if owner != code or sub_code in listed:
            raise CatalogueInvalid(f"办理项 {sub_code} 不是本事项的办理项，或同时被保留", field="removed_sub_items")
        cases = session.scalar(select(func.count()).select_from(ApprovalCase)
                               .where(ApprovalCase.sub_item_code == sub_code))
        if cases:
            raise SubItemInUse(f"办理项 {sub_code} 已有 {cases} 件办件使用，不能删除（可改名）",
                               field="removed_sub_items", sub_item=sub_code, cases=cases)


def _unique(values: list[str], message: str, field: str) -> None:
    if len(set(values)) != len(values):
        raise CatalogueInvalid(message, field=field)


def snapshot(item: ServiceItem | None) -> dict | None:
    """What an audit row keeps of an item, before and after."""
    if item is None:
        return None
    return {"name": item.name, "category": item.category, "department_id": item.department_id,
            "statutory_limit_days": item.statutory_limit_days, "promised_limit_days": item.promised_limit_days,
            "fee": str(item.fee), "online": item.online, "note": item.note,
            "sub_items": [[s.code, s.name] for s in item.sub_items],
            "situations": [{"code": s.code, "name": s.name,
                            "materials": [[m.name, m.required, m.form, m.copies, m.sample_note, m.sample_file]
                                          for m in s.materials]}
                           for s in item.situations]}


def find(session: Session, code: str) -> ServiceItem | None:
    return session.scalars(select(ServiceItem).where(ServiceItem.code == code)).one_or_none()


def save_item(session: Session, code: str, body: ItemIn, by: str, now: dt.datetime,
              dropped: list[str] | None = None) -> dict[str, int]:
    """Create or update the item; returns, per situation listed, the definition version new cases follow.
    The stored objects of the samples of materials it removes are added to `dropped`: the caller deletes them
    once the change has committed (server.attachments.samples.delete_after_commit)."""
    check(code, body, session)
    item = find(session, code)
    if item is None:
        item = ServiceItem(code=code, sort_order=_next_order(session))
        session.add(item)
    for field in ("name", "category", "department_id", "statutory_limit_days", "promised_limit_days", "fee",
                  "online", "note"):
        setattr(item, field, getattr(body, field))
    session.flush()
    subs = {s.code: s for s in item.sub_items}
    for sub_code in body.removed_sub_items:  # checked: this item's, named by no case
        session.delete(subs.pop(sub_code))
    for order, sub in enumerate(body.sub_items):
        row = subs.get(sub.code) or SubItem(item_id=item.id, code=sub.code)
        row.name, row.sort_order = sub.name, order
        session.add(row)
    situations = {s.code: s for s in item.situations}
    for order, given in enumerate(body.situations):
        row = situations.get(given.code) or Situation(item_id=item.id, code=given.code, name=given.name)
        row.name, row.sort_order = given.name, order
        session.add(row)
        session.flush()
        # The situation's list as now given, a material matched by its name: a kept material keeps its row
        # (devices apply the published rows in any order, so an id must not change hands under a name).
        kept = {m.name: m for m in row.materials}
        wanted = {m.name for m in given.materials}
        for name, old in kept.items():
            if name not in wanted:
                # its sample file's record goes with it; the sealed bytes only after the commit (deleting
                # them before could lose a sample a rollback keeps)
                gone = samples.forget(session, old.id)
                if gone is not None and dropped is not None:
                    dropped.append(gone)
                session.delete(old)
        session.flush()
        for m_order, material in enumerate(given.materials):
            target = kept.get(material.name) or Material(situation_id=row.id, name=material.name)
            target.required, target.form, target.copies = material.required, material.form, material.copies
            target.sample_note, target.sample_file = material.sample_note, material.sample_file
            target.sort_order = m_order
            session.add(target)
    session.flush()
    session.expire_all()  # re-read the item with its new situations and materials
    return {situation.code: _version_for(session, item, situation, by, now) for situation in body.situations}


def _version_for(session: Session, item: ServiceItem, given, by: str, now: dt.datetime) -> int:  # noqa: ANN001
    """The situation's latest definition, or a new version of it carrying the catalogue's limits and
    required materials when they changed."""
    definitions.ensure_default(session, item.code, given.code, now)
    latest = definitions.latest_version(session, item.code, given.code)
    body = session.scalars(select(ApprovalDefinition.body).filter_by(
        item_code=item.code, situation_code=given.code, version=latest)).one()
    wanted = {"statutory_limit_days": item.statutory_limit_days, "promised_limit_days": item.promised_limit_days,
              "required_materials": [m.name for m in given.materials if m.required]}
    if all(body.get(k) == v for k, v in wanted.items()):
        return latest
    return definitions.publish_version(session, {**body, **wanted}, by, now).version


def _next_order(session: Session) -> int:
    return (session.scalar(select(ServiceItem.sort_order).order_by(ServiceItem.sort_order.desc()).limit(1))
            or 0) + 1
