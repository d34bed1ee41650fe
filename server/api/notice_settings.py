"""文书设置: a hall's notice settings for its admin — read (the packaged office_settings.json until saved), save
(checked, stored, published to the hall so counters print with them offline, audited with before and after),
and a preview PDF of any notice kind rendered with a draft, exactly as a case's notice would be."""

from __future__ import annotations

import base64
import binascii
import dataclasses

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from server.api.deps import AdminUser, Clock, DbSession, SessionDevice
from server.api.downloads import content_disposition
from server.api.errors import ApiError
from server.devices.models import NoticeSettingsRow
from server.store.audit import audit_change
from server.sync import changes
from shared.approval_notices import office_of
from shared.china_time import CHINA_TZ
from shared.db.models import Hall
from shared.notices import NoticeError, NoticeKind, render_notice
from shared.notices.sample import sample_notice
from shared.notices.settings import TABLE, InvalidNoticeSettings, NoticeSettings, check, packaged
from shared.protocol.notice_settings import NoticeSettingsIn, NoticeSettingsOut

router = APIRouter(prefix="/api/v1/admin/halls/{hall_id}/notice-settings", tags=["admin: notice settings"])

MESSAGES = {
    "notice_text_invalid": "文字过长或含换行等控制字符（每项最多500字，单行）",
    "notice_remedies_incomplete": "救济途径文字须包含 {review_authority} 和 {court} 两个占位符",
    "notice_template_invalid": "模板文字有误",
    "seal_too_large": "印章图片不能超过512KB",
    "seal_not_png": "印章须为PNG图片",
    "seal_size": "印章图片边长须在100至2000像素之间",
    "seal_not_transparent": "印章PNG须为透明背景",
    "seal_not_base64": "印章图片编码有误",
}


def _hall(session: Session, hall_id: int) -> Hall:
    hall = session.get(Hall, hall_id)
    if hall is None:
        raise ApiError(404, "unknown_hall", "大厅不存在", hall=hall_id)
    return hall


def settings_of(session: Session, hall: Hall) -> NoticeSettings:
    """What the hall's notices print with: its saved settings, else the packaged defaults."""
    row = session.get(NoticeSettingsRow, hall.id)
    if row is None:
        return packaged(hall.centre.code, hall.code)
    return dataclasses.replace(NoticeSettings.from_row(row.settings), seal_png=row.seal_png)


def _from_body(body: NoticeSettingsIn) -> NoticeSettings:
    try:
        seal = base64.b64decode(body.seal_png, validate=True) if body.seal_png else None
    except (binascii.Error, ValueError):
        raise ApiError(422, "seal_not_base64", MESSAGES["seal_not_base64"], field="seal_png") from None
    draft = NoticeSettings(office_name=body.office_name, phone=body.phone, review_authority=body.review_authority,
                           court=body.court, remedies=body.remedies, seal_png=seal, templates=body.templates)
    try:
        return check(draft)
    except InvalidNoticeSettings as exc:
        raise ApiError(422, exc.code, f"{MESSAGES.get(exc.code, '文书设置有误')}（{exc}）", **exc.details) from None


def _out(session: Session, hall: Hall) -> NoticeSettingsOut:
    settings, row = settings_of(session, hall), session.get(NoticeSettingsRow, hall.id)
    return NoticeSettingsOut(
        office_name=settings.office_name, phone=settings.phone, review_authority=settings.review_authority,
        court=settings.court, remedies=settings.remedies, templates=settings.templates,
        seal_png=base64.b64encode(settings.seal_png).decode("ascii") if settings.seal_png else "",
        hall_id=hall.id, centre_code=hall.centre.code, hall_code=hall.code, default_office_name=office_of(hall).name,
        stored=row is not None, updated_by=row.updated_by if row else "", updated_at=row.updated_at if row else None)


def _audited(settings: NoticeSettings) -> dict:
    """The settings as the audit records them: the seal by its digest, never the image."""
    values = settings.to_row(0)
    values.pop("hall_id"), values.pop("updated_at")
    values["seal_png"] = settings.seal_digest()
    return values


@router.get("", response_model=NoticeSettingsOut)
def read(hall_id: int, session: DbSession, admin: AdminUser) -> NoticeSettingsOut:
    return _out(session, _hall(session, hall_id))


@router.put("", response_model=NoticeSettingsOut)
def save(hall_id: int, body: NoticeSettingsIn, session: DbSession, admin: AdminUser, clock: Clock,
         device: SessionDevice) -> NoticeSettingsOut:
    hall = _hall(session, hall_id)
    settings = _from_body(body)
    stored = session.get(NoticeSettingsRow, hall.id)
    before = _audited(settings_of(session, hall)) if stored is not None else None
    now = clock()
    row = stored or NoticeSettingsRow(hall_id=hall.id)
    published = settings.to_row(hall.id, now.isoformat())
    row.settings = {k: v for k, v in published.items() if k not in ("hall_id", "updated_at", "seal_png")}
    row.seal_png, row.updated_by, row.updated_at = settings.seal_png, admin.username, now
    session.add(row)
    # the hall's workstations print notices offline: they get the settings (seal included) with their next pull
    changes.publish(session, hall.id, f"hall:{hall.id}", TABLE, str(hall.id), published, now=now)
    audit_change(session, admin.username, "notice.settings", hall.code, before, _audited(settings), device)
    session.flush()
    return _out(session, hall)


@router.post("/preview", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def preview(hall_id: int, body: NoticeSettingsIn, session: DbSession, admin: AdminUser, clock: Clock,
            kind: str = Query(default=NoticeKind.REFUSAL.value, max_length=40)) -> Response:
    """A sample case's notice of `kind` rendered with the draft settings (nothing saved)."""
    hall = _hall(session, hall_id)
    try:
        notice_kind = NoticeKind(kind)
    except ValueError:
        raise ApiError(422, "unknown_notice_kind", "没有这种文书（unknown notice kind）",
                       allowed=[k.value for k in NoticeKind]) from None
    draft = _from_body(body)
    data = sample_notice(draft.office(office_of(hall)), clock().astimezone(CHINA_TZ).date())
    try:
        pdf = render_notice(data, draft.template_set()[notice_kind.value], seal_png=draft.seal_png)
    except NoticeError as exc:
        raise ApiError(422, getattr(exc, "code", "notice_error"), f"按此设置无法生成文书（{exc}）") from None
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"preview-{notice_kind.value}.pdf")})
