"""Staff accounts for admins: list a hall's staff, create a member (initial password entered or made up, to be
changed at the first login), edit name, number, department, usual window and roles, and a photo for the
evaluator. Disabling, enabling and password resets are in staff_admin.py."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import Response as HttpResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.change_audit import audit_change
from server.api.deps import AdminUser, AppSettings, Clock, DbSession
from server.api.errors import ApiError
from server.api.org_admin import hall_or_404
from server.credentials.passwords import PasswordRefused, set_password
from server.store.models import StaffAssignment, StaffCredential, StaffPhoto
from server.sync.reference import publish_all_halls
from shared.db.models import Department, StaffRole, StaffUser, Window
from shared.db.models.staff import ROLES
from shared.password_policy import made_up_password
from shared.staff_photo import PHOTO_MAX_BYTES, PhotoRefused, check_photo
from shared.protocol.org_admin import PhotoIn, StaffCreate, StaffCreated, StaffOut, StaffPatch

router = APIRouter(prefix="/api/v1/admin", tags=["admin: staff"])
FIELDS = ("display_name", "staff_no", "department_id", "window_id", "roles")


def staff_out(session: Session, user: StaffUser) -> StaffOut:
    assignment = session.get(StaffAssignment, user.id)
    credential = session.get(StaffCredential, user.id)
    return StaffOut(id=user.id, username=user.username, display_name=user.display_name, staff_no=user.staff_no,
                    department_id=user.department_id, hall_id=user.hall_id,
                    window_id=assignment.window_id if assignment else None, active=user.active,
                    roles=user.role_names, has_photo=session.get(StaffPhoto, user.id) is not None,
                    must_change_password=bool(credential and credential.must_change))


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise ApiError(404, "unknown_staff", "工作人员不存在（no such staff member）", user_id=user_id)
    return user


def _check_roles(roles: list[str]) -> list[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ApiError(422, "unknown_role", f"没有这个角色：{unknown[0]}（unknown role）", role=unknown[0])
    return sorted(set(roles))


def _check_refs(session: Session, hall_id: int | None, department_id: int | None, window_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise ApiError(422, "unknown_department", "部门不存在（no such department）", department=department_id)
    if window_id is not None:
        window = session.get(Window, window_id)
        if window is None or window.hall_id != hall_id:
            raise ApiError(422, "unknown_window", "窗口不存在或不属于本大厅（no such window in this hall）",
                           window=window_id)


def _unique(session: Session, field: str, value: str, code: str, text: str, own: int | None = None) -> None:
    found = session.scalars(select(StaffUser.id).where(getattr(StaffUser, field) == value)).first()
    if found is not None and found != own:
        raise ApiError(409, code, text, **{field: value})


def _assign(session: Session, user_id: int, window_id: int | None) -> None:
    row = session.get(StaffAssignment, user_id)
    if row is None:
        row = StaffAssignment(user_id=user_id)
        session.add(row)
    row.window_id = window_id


@router.get("/halls/{hall_id}/staff", response_model=list[StaffOut])
def list_staff(hall_id: int, session: DbSession, admin: AdminUser) -> list[StaffOut]:
    hall_or_404(session, hall_id)
    return [staff_out(session, u) for u in
            session.scalars(select(StaffUser).where(StaffUser.hall_id == hall_id).order_by(StaffUser.staff_no))]


@router.post("/halls/{hall_id}/staff", response_model=StaffCreated, status_code=201)
def create_staff(hall_id: int, body: StaffCreate, request: Request, session: DbSession, admin: AdminUser,
                 settings: AppSettings, clock: Clock) -> StaffCreated:
    hall_or_404(session, hall_id)
    roles = _check_roles(body.roles)
    _check_refs(session, hall_id, body.department_id, body.window_id)
    _unique(session, "username", body.username, "username_taken", "用户名已被使用（username taken）")
    _unique(session, "staff_no", body.staff_no, "staff_no_taken", "工号已被使用（staff number taken）")
    user = StaffUser(username=body.username, display_name=body.display_name, staff_no=body.staff_no,
                     department_id=body.department_id, hall_id=hall_id, active=True)
    user.roles = [StaffRole(role=r) for r in roles]
    session.add(user)
    session.flush()
    password = body.password or made_up_password(settings.password_min_length)
    try:
        set_password(session, user, password, settings=settings, now=clock(), must_change=True)
    except PasswordRefused as exc:
        raise ApiError(422, exc.code, "初始密码不符合密码策略（password breaks the policy）", **exc.details) from None
    _assign(session, user.id, body.window_id)
    session.flush()
    out = staff_out(session, user)
    audit_change(session, request, admin, action="staff.create", target=user.username, before=None,
                 after=out.model_dump(include=set(FIELDS)))
    publish_all_halls(session, clock())
    return StaffCreated(**out.model_dump(), initial_password=password)


@router.patch("/staff/{user_id}", response_model=StaffOut)
def patch_staff(user_id: int, body: StaffPatch, request: Request, session: DbSession, admin: AdminUser,
                clock: Clock) -> StaffOut:
    user = _user(session, user_id)
    changes = body.model_dump(exclude_unset=True)
    if "roles" in changes:
        changes["roles"] = _check_roles(changes["roles"])
        if user.id == admin.id and "admin" not in changes["roles"]:
            raise ApiError(409, "cannot_demote_self", "不能取消自己的管理员角色（an admin cannot drop their own admin role）")
    _check_refs(session, user.hall_id, changes.get("department_id"), changes.get("window_id"))
    if "staff_no" in changes:
        _unique(session, "staff_no", changes["staff_no"], "staff_no_taken", "工号已被使用（staff number taken）", user.id)
    before = staff_out(session, user).model_dump(include=set(FIELDS))
    for name, value in changes.items():
        if name == "roles":
            user.roles = [next((r for r in user.roles if r.role == role), None) or StaffRole(role=role)
                          for role in value]
        elif name == "window_id":
            _assign(session, user.id, value)
        else:
            setattr(user, name, value)
    session.flush()
    out = staff_out(session, user)
    audit_change(session, request, admin, action="staff.update", target=user.username, before=before,
                 after=out.model_dump(include=set(FIELDS)))
    publish_all_halls(session, clock())
    return out


@router.put("/staff/{user_id}/photo", status_code=204)
def put_photo(user_id: int, body: PhotoIn, request: Request, session: DbSession, admin: AdminUser,
              clock: Clock) -> None:
    user = _user(session, user_id)
    try:
        data = base64.b64decode(body.data, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_photo", "照片数据无法读取（not base64）") from None
    try:
        check_photo(data, body.content_type)
    except PhotoRefused as exc:
        if exc.code == "photo_too_large":
            raise ApiError(413, "photo_too_large", f"照片不能超过{PHOTO_MAX_BYTES // 1024}KB（photo too large）",
                           max_bytes=PHOTO_MAX_BYTES) from None
        raise ApiError(422, "invalid_photo", "照片须为PNG或JPEG图片（not a PNG or JPEG image）") from None
    row = session.get(StaffPhoto, user.id)
    before = None if row is None else {"content_type": row.content_type, "bytes": len(row.data)}
    if row is None:
        row = StaffPhoto(user_id=user.id, content_type=body.content_type, data=data)
        session.add(row)
    row.content_type, row.data, row.updated_at = body.content_type, data, clock()
    audit_change(session, request, admin, action="staff.photo", target=user.username, before=before,
                 after={"content_type": body.content_type, "bytes": len(data)})


@router.get("/staff/{user_id}/photo", response_class=HttpResponse,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}})
def get_photo(user_id: int, session: DbSession, admin: AdminUser) -> HttpResponse:
    user = _user(session, user_id)
    row = session.get(StaffPhoto, user.id)
    if row is None:
        raise ApiError(404, "no_photo", "尚未上传照片（no photo on record）")
    return HttpResponse(row.data, media_type=row.content_type, headers={"Cache-Control": "no-store"})
