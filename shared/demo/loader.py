"""Load the demo centre and catalogue. Idempotent: every row is found by its natural key and only created
or corrected, so loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db.models import (Business, Centre, Department, Floor, Hall, Material, Quota, ServiceItem, Situation,
                              StaffRole, StaffUser, SubItem, Town, Window, WindowBusiness)
from shared.demo import dongguan_catalogue as cat
from shared.demo import dongguan_hall as demo
from shared.passwords import hash_password
from shared.validation import uscc_check_character


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} rows created, {self.updated} updated"


class _Upserter:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.report = LoadReport()

    def __call__(self, model, key: dict, **values):  # noqa: ANN001
        row = self.session.scalars(select(model).filter_by(**key)).one_or_none()
        if row is None:
            row = model(**key, **values)
            self.session.add(row)
            self.session.flush()
            self.report.created += 1
            return row
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            self.session.flush()
            self.report.updated += 1
        return row


def load_demo(session: Session, *, password_iterations: int = 200_000) -> LoadReport:
    up = _Upserter(session)
    departments = _departments(up)
    _towns(up)
    _catalogue(up, departments)
    hall = _hall(up, departments)
    _users(up, departments, hall, password_iterations)
    return up.report


def _departments(up: _Upserter) -> dict[str, Department]:
    out = {}
    for code, name, base in demo.DEPARTMENTS:
        out[code] = up(Department, {"code": code}, name=name, uscc=base + uscc_check_character(base))
    parent = out[demo.PARENT_DEPARTMENT]
    for code, dep in out.items():
        if code != demo.PARENT_DEPARTMENT:
            up(Department, {"code": code}, parent_id=parent.id)
    return out


def _towns(up: _Upserter) -> None:
    for kind, names in (("街道", demo.STREETS), ("镇", demo.TOWNS), ("园区", demo.PARKS)):
        for name in names:
            up(Town, {"code": f"DG-{name}"}, name=name, kind=kind)


def _catalogue(up: _Upserter, departments: dict[str, Department]) -> None:
    for order, spec in enumerate(cat.ITEMS, start=1):
        item = up(ServiceItem, {"code": spec.code}, official_code=spec.official_code, name=spec.name,
                  category=spec.category, department_id=departments[spec.department].id,
                  statutory_limit_days=spec.statutory_limit_days, promised_limit_days=spec.promised_limit_days,
                  online=spec.online, note=spec.note, sort_order=order)
        for n, name in enumerate(spec.sub_items, start=1):
            up(SubItem, {"code": f"{spec.code}-{n:02d}"}, item_id=item.id, name=name, sort_order=n)
        for n, name in enumerate(spec.situations, start=1):
            situation = up(Situation, {"code": f"{spec.code}-S{n:02d}"}, item_id=item.id, name=name, sort_order=n)
            for m, (material, required, form, copies) in enumerate(cat.materials_for(spec, name), start=1):
                up(Material, {"situation_id": situation.id, "name": material}, required=required, form=form,
                   copies=copies, sort_order=m)


def _hall(up: _Upserter, departments: dict[str, Department]) -> Hall:
    centre = up(Centre, {"code": demo.CENTRE[0]}, name=demo.CENTRE[1])
    code, name, address = demo.HALL
    hall = up(Hall, {"code": code}, centre_id=centre.id, name=name, address=address)
    floors = {level: up(Floor, {"hall_id": hall.id, "level": level}, name=fname) for level, fname in demo.FLOORS}
    businesses = {}
    for order, (bcode, prefix, bname, dep, level, daily, am, pm) in enumerate(demo.BUSINESSES, start=1):
        business = up(Business, {"hall_id": hall.id, "code": bcode}, prefix=prefix, name=bname,
                      department_id=departments[dep].id, floor_id=floors[level].id, sort_order=order)
        up(Quota, {"business_id": business.id}, daily_limit=daily, am_limit=am, pm_limit=pm,
           opens_at=demo.OPENS_AT, closes_at=demo.CLOSES_AT, lunch_start=demo.LUNCH[0], lunch_end=demo.LUNCH[1])
        businesses[bcode] = business
    for number, (level, serves) in demo.WINDOWS.items():
        window = up(Window, {"hall_id": hall.id, "number": number}, floor_id=floors[level].id,
                    name=f"{number}号窗口")
        for bcode, priority in serves:
            up(WindowBusiness, {"window_id": window.id, "business_id": businesses[bcode].id}, priority=priority)
    return hall


def _users(up: _Upserter, departments: dict[str, Department], hall: Hall, iterations: int) -> None:
    for username, display, staff_no, dep, roles in demo.USERS:
        existing = up.session.scalars(select(StaffUser).filter_by(username=username)).one_or_none()
        user = up(StaffUser, {"username": username}, display_name=display, staff_no=staff_no,
                  department_id=departments[dep].id, hall_id=hall.id)
        if existing is None:  # a fresh salt would make every load a change
            user.password_hash = hash_password(demo.DEMO_PASSWORD, iterations=iterations)
        for role in roles:
            up(StaffRole, {"user_id": user.id, "role": role})
