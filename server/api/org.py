"""Organisation reference data: halls with floors, windows and businesses; departments; towns."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.api.deps import AdminUser, Clock, DbSession
from server.api.errors import ApiError
from server.store.audit import audit
from server.sync.reference import publish_all_halls
from shared.db.models import Business, Department, Hall, Town, Window
from shared.protocol.org import DepartmentCreate, DepartmentOut, HallOut, HallSummary, TownOut

router = APIRouter(prefix="/api/v1", tags=["organisation"])


@router.get("/halls", response_model=list[HallSummary])
def list_halls(session: DbSession):
    return session.scalars(select(Hall).order_by(Hall.code)).all()


@router.get("/halls/{code}", response_model=HallOut)
def get_hall(code: str, session: DbSession):
    hall = session.scalars(select(Hall).where(Hall.code == code).options(
        selectinload(Hall.floors), selectinload(Hall.windows).selectinload(Window.services),
        selectinload(Hall.businesses).selectinload(Business.quota))).one_or_none()
    if hall is None:
        raise ApiError(404, "hall_not_found", f"大厅不存在（no hall with code {code}）", hall=code)
    return hall


@router.get("/towns", response_model=list[TownOut])
def list_towns(session: DbSession):
    return session.scalars(select(Town).order_by(Town.kind, Town.code)).all()


@router.get("/departments", response_model=list[DepartmentOut])
def list_departments(session: DbSession):
    return session.scalars(select(Department).order_by(Department.code)).all()


@router.post("/admin/departments", response_model=DepartmentOut, status_code=201)
def create_department(body: DepartmentCreate, session: DbSession, admin: AdminUser, clock: Clock):
    if session.scalars(select(Department).filter_by(code=body.code)).first() is not None:
        raise ApiError(409, "department_exists", f"部门编码已存在（department {body.code} exists）", department=body.code)
    if body.uscc and session.scalars(select(Department).filter_by(uscc=body.uscc)).first() is not None:
        raise ApiError(409, "uscc_in_use", "统一社会信用代码已被其他部门使用（USCC already used）", uscc=body.uscc)
    parent_id = None
    if body.parent_code is not None:
        parent = session.scalars(select(Department).filter_by(code=body.parent_code)).one_or_none()
        if parent is None:
            raise ApiError(422, "parent_not_found", f"上级部门不存在（no department {body.parent_code}）")
        parent_id = parent.id
    department = Department(code=body.code, name=body.name, uscc=body.uscc, parent_id=parent_id)
    session.add(department)
    session.flush()
    audit(session, action="department.create", outcome="success", actor=admin.username, target=body.code)
    publish_all_halls(session, clock())
    return department
