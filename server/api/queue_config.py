"""Queue configuration: read by anyone (devices, clients), changed by admins — businesses, quotas, which
windows serve which businesses at what level, and the hall's queue rules. Every change is validated by the
shared/queue value objects before it is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi import APIRouter
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from server.api.deps import AdminUser, Clock, DbSession, SessionDevice
from server.api.errors import ApiError
from server.api.limits import body_within_limits
from server.api.queue_deps import refusals
from server.queue.config import HallRules, forget_config, load_rules, rules_from_json
from server.queue.errors import message
from server.queue.models import QueueHallRules
from server.store.audit import audit_change
from server.sync.reference import publish_all_halls
from shared.db.models import Business, Department, Floor, Hall, Quota, Window, WindowBusiness
from shared.protocol.org import BusinessOut, QuotaOut
from shared.protocol.queue_admin import (BusinessCreate, BusinessPatch, HallQueueConfig, QuotaIn, WindowConfigOut,
                                         WindowServicesIn)
from shared.queue import config as domain
from shared.queue.errors import InvalidConfiguration

router = APIRouter(prefix="/api/v1/queue", tags=["queue configuration"])


def _hall(session: Session, hall_id: int) -> Hall:
    hall = session.get(Hall, hall_id)
    if hall is None:
        raise ApiError(404, "unknown_hall", message("unknown_hall"), hall=hall_id)
    return hall


def _business(session: Session, business_id: int) -> Business:
    business = session.get(Business, business_id)
    if business is None:
        raise ApiError(404, "unknown_business", message("unknown_business"), business=business_id)
    return business


@router.get("/halls/{hall_id}/config", response_model=HallQueueConfig)
def get_config(hall_id: int, session: DbSession) -> HallQueueConfig:
    _hall(session, hall_id)
    businesses = session.scalars(select(Business).where(Business.hall_id == hall_id).order_by(Business.sort_order)
                                 .options(selectinload(Business.quota))).all()
    windows = session.scalars(select(Window).where(Window.hall_id == hall_id).order_by(Window.number)
                              .options(selectinload(Window.services))).all()
    return HallQueueConfig(
        hall_id=hall_id, businesses=[BusinessOut.model_validate(b) for b in businesses],
        windows=[WindowConfigOut(id=w.id, number=w.number, name=w.name, active=w.active,
                                 services=[{"business_id": s.business_id, "level": s.priority} for s in w.services])
                 for w in windows],
        rules=load_rules(session, hall_id).to_json())


@router.put("/admin/halls/{hall_id}/rules")
def put_rules(hall_id: int, body: dict[str, Any], session: DbSession, admin: AdminUser, clock: Clock,
              device: SessionDevice) -> dict:
    body_within_limits(body)
    _hall(session, hall_id)
    with refusals():
        rules = rules_from_json(body)
    if "lunch_closed_by_business" not in body:  # set per business through the quota: kept unless replaced
        kept = load_rules(session, hall_id).lunch_closed_by_business
        rules = dataclasses.replace(rules, lunch_closed_by_business=kept)
    if "green_reasons_by_business" not in body:  # an older client's document: the priority classes are kept
        kept = load_rules(session, hall_id).green_reasons_by_business
        rules = dataclasses.replace(rules, green_reasons_by_business=kept)
    ours = set(session.scalars(select(Business.id).where(Business.hall_id == hall_id)))
    for field in ("lunch_closed_by_business", "green_reasons_by_business"):
        foreign = sorted(set(getattr(rules, field)) - ours)
        if foreign:
            raise ApiError(422, "unknown_business", message("unknown_business"), business=foreign[0], field=field)
    before = load_rules(session, hall_id).to_json()
    _store_rules(session, hall_id, rules, admin.username, clock())
    forget_config(session)
    audit_change(session, admin.username, "queue.rules", str(hall_id), before, rules.to_json(), device)
    session.flush()
    publish_all_halls(session, clock())
    return rules.to_json()


def _store_rules(session: Session, hall_id: int, rules: HallRules, who: str, now: dt.datetime) -> None:
    row = session.get(QueueHallRules, hall_id)
    if row is None:
        row = QueueHallRules(hall_id=hall_id, rules={})
        session.add(row)
    row.rules, row.updated_at, row.updated_by = rules.to_json(), now, who


def _check_refs(session: Session, hall_id: int, department_id: int | None, floor_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise ApiError(422, "unknown_department", message("unknown_department"), department=department_id)
    if floor_id is not None:
        floor = session.get(Floor, floor_id)
        if floor is None or floor.hall_id != hall_id:
            raise ApiError(422, "unknown_floor", message("unknown_floor"), floor=floor_id)


def _check_unique(session: Session, hall_id: int, field: str, value: str, code: str, own: int | None = None) -> None:
    taken = session.scalars(select(Business.id).where(Business.hall_id == hall_id,
                                                      getattr(Business, field) == value)).first()
    if taken is not None and taken != own:
        raise ApiError(409, code, message(code), field=field, value=value)


@router.post("/admin/halls/{hall_id}/businesses", response_model=BusinessOut, status_code=201)
def create_business(hall_id: int, body: BusinessCreate, session: DbSession, admin: AdminUser, clock: Clock,
                    device: SessionDevice) -> Business:
    _hall(session, hall_id)
    with refusals():
        domain.Business(0, body.prefix, body.name, body.active)
    _check_refs(session, hall_id, body.department_id, body.floor_id)
    _check_unique(session, hall_id, "prefix", body.prefix, "business_prefix_taken")
    _check_unique(session, hall_id, "code", body.code, "business_code_taken")
    business = Business(hall_id=hall_id, **body.model_dump())
    session.add(business)
    session.flush()
    session.refresh(business, ["quota"])
    audit_change(session, admin.username, "queue.business.create", body.code, None, body.model_dump(), device)
    session.flush()
    publish_all_halls(session, clock())
    return business


@router.patch("/admin/businesses/{business_id}", response_model=BusinessOut)
def patch_business(business_id: int, body: BusinessPatch, session: DbSession, admin: AdminUser,
                   clock: Clock, device: SessionDevice) -> Business:
    business = _business(session, business_id)
    changes = body.model_dump(exclude_unset=True)
    before = {name: getattr(business, name) for name in changes}
    merged = {"prefix": business.prefix, "name": business.name, "active": business.active, **changes}
    with refusals():
        domain.Business(business.id, merged["prefix"], merged["name"], merged["active"])
    _check_refs(session, business.hall_id, changes.get("department_id"), changes.get("floor_id"))
    if "prefix" in changes:
        _check_unique(session, business.hall_id, "prefix", changes["prefix"], "business_prefix_taken", business.id)
    before = {name: getattr(business, name) for name in changes}
    for name, value in changes.items():
        setattr(business, name, value)
    forget_config(session)
    audit_change(session, admin.username, "queue.business.update", business.code, before, changes, device)
    session.flush()
    publish_all_halls(session, clock())
    return business


@router.put("/admin/businesses/{business_id}/quota", response_model=QuotaOut)
def put_quota(business_id: int, body: QuotaIn, session: DbSession, admin: AdminUser, clock: Clock,
              device: SessionDevice) -> Quota:
    business = _business(session, business_id)
    values = body.model_dump()
    lunch_closed = values.pop("lunch_closed")
    rules = load_rules(session, business.hall_id)
    overrides = {k: v for k, v in rules.lunch_closed_by_business.items() if k != business_id}
    if lunch_closed is not None:  # the business's own lunch rule; None: the hall's
        overrides[business_id] = lunch_closed
    effective = rules.lunch_closed if lunch_closed is None else lunch_closed
    with refusals():
        domain.check_quota_limits(values["daily_limit"], values["am_limit"], values["pm_limit"])
        domain.Quota(business_id, **values, lunch_closed=effective and values["lunch_start"] is not None)
        if lunch_closed and values["lunch_start"] is None:
            raise InvalidConfiguration("invalid_quota", "lunch_closed", "closing at lunch needs lunch times")
    if overrides != rules.lunch_closed_by_business:
        _store_rules(session, business.hall_id, dataclasses.replace(rules, lunch_closed_by_business=overrides),
                     admin.username, clock())
    quota = session.get(Quota, business_id)
    before = {name: getattr(quota, name) for name in values} if quota is not None else None
    if quota is None:
        quota = Quota(business_id=business_id)
        session.add(quota)
    for name, value in values.items():
        setattr(quota, name, value)
    forget_config(session)
    audit_change(session, admin.username, "queue.quota", business.code, before,
                 {**values, "lunch_closed": lunch_closed}, device)
    session.flush()
    publish_all_halls(session, clock())
    return quota


@router.put("/admin/windows/{window_id}/services", response_model=WindowConfigOut)
def put_window_services(window_id: int, body: WindowServicesIn, session: DbSession,
                        admin: AdminUser, clock: Clock, device: SessionDevice) -> WindowConfigOut:
    window = session.get(Window, window_id)
    if window is None:
        raise ApiError(404, "unknown_window", message("unknown_window"), window=window_id)
    services = tuple(domain.WindowService(s.business_id, s.level) for s in body.services)
    with refusals():
        domain.Window(window.id, window.number, services, window.name, window.active)
    for s in services:
        business = session.get(Business, s.business_id)
        if business is None or business.hall_id != window.hall_id:
            raise ApiError(422, "unknown_business", message("unknown_business"), business=s.business_id)
    before = [{"business_id": s.business_id, "level": s.priority} for s in window.services]
    session.execute(delete(WindowBusiness).where(WindowBusiness.window_id == window.id))
    session.add_all(WindowBusiness(window_id=window.id, business_id=s.business_id, priority=s.level)
                    for s in services)
    session.flush()
    session.expire(window, ["services"])
    forget_config(session)
    audit_change(session, admin.username, "queue.window.services", str(window.number), {"services": before},
                 {"services": [{"business_id": s.business_id, "level": s.level} for s in services]}, device)
    session.flush()
    publish_all_halls(session, clock())
    return WindowConfigOut(id=window.id, number=window.number, name=window.name, active=window.active,
                           services=[{"business_id": s.business_id, "level": s.level} for s in services])
