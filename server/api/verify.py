"""GET /v/{token}: the public page a phone opens from the QR code of a notice, receipt or licence certificate
(shared/verification.py). No login. It shows what was issued, to whom (masked), when, by which office, and — for
a licence — whether it is valid, revoked (with the date), expired or replaced. A forged, altered or unknown
token gets one plain answer that says nothing about whether anything exists. Each address has an hourly
allowance (counted in the database, refused requests included), and the page is never cached."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.auth import client_address
from server.api.deps import Clock
from server.api.notice_settings import settings_of
from server.approval.identity import pii_keys
from server.approval.models import ApprovalCase, ApprovalEvent
from server.licences.models import Licence
from server.licences.store import licence_title
from server.queue.booking_limits import client_key, limiter_for
from server.sync.registry import Rejected
from shared.approval.events import local_day
from shared.approval.lifecycle import Action
from shared.approval_notices import SOURCE, office_of
from shared.crypto.keys import KeyUnavailable
from shared.db.models import Hall
from shared.licences import LicenceStatus, status_on
from shared.notices import NoticeKind, format_date
from shared.validation import mask_name
from shared.verification import InvalidToken, check_token, derive_hall_key, read_token

router = APIRouter(tags=["verification (public)"])
LIMITER = "verify_limiter"
PER_ADDRESS_PER_HOUR = 120
INVALID = "此二维码无效或已被篡改"
STATUS_TEXT = {LicenceStatus.VALID: ("有效", "ok"), LicenceStatus.REVOKED: ("已注销", "bad"),
               LicenceStatus.EXPIRED: ("已过期", "bad"), LicenceStatus.REPLACED: ("已换发（补领），本证书作废", "bad")}


@dataclass(frozen=True)
class Finding:
    title: str
    rows: tuple[tuple[str, str], ...]
    status: str = ""
    tone: str = "ok"


def _licence_finding(session: Session, lic: Licence, today: dt.date) -> Finding:
    status = status_on(lic.status, lic.valid_until, today)
    text, tone = STATUS_TEXT[status]
    rows = [("证照名称", licence_title(session, lic)), ("证书编号", lic.number), ("持证人", lic.holder_name_masked),
            ("证件号码", lic.holder_id_masked), ("许可事项", lic.item_name)]
    if lic.scope:
        rows.append(("许可范围", lic.scope))
    rows += [("有效期", f"{format_date(lic.valid_from)}至{format_date(lic.valid_until)}"),
             ("发证日期", format_date(lic.issued_on)), ("发证机关", _office(session, lic.hall_id))]
    if status in (LicenceStatus.REVOKED, LicenceStatus.REPLACED) and lic.revoked_on:
        rows.append(("注销日期" if status is LicenceStatus.REVOKED else "换发日期", format_date(lic.revoked_on)))
    return Finding("证照核验结果", tuple(rows), text, tone)


def _notice_finding(session: Session, kind: str, event: ApprovalEvent, case: ApprovalCase) -> Finding:
    hall = session.get(Hall, case.hall_id)
    title = settings_of(session, hall).template_set()[kind].title
    # a company's name is public (市场主体登记); a person's is masked
    holder = case.applicant_name if case.applicant_kind == "company" else mask_name(case.applicant_name)
    rows = (("文书名称", title), ("办件编号", case.case_number), ("申请人", holder),
            ("证件号码", case.applicant_id_masked), ("出具日期", format_date(event.day)),
            ("出具机关", _office(session, case.hall_id)))
    return Finding("文书核验结果", rows + _services(session, kind, event), "真实，由本机关出具", "ok")


def _services(session: Session, kind: str, source: ApprovalEvent) -> tuple[tuple[str, str], ...]:
    """Each 送达 of this notice with the SM3 of the bytes served: the digest the signature inside the PDF (and
    `python -m shared.notices.pdf_signature`) names for its signed revision, so a holder can match the two."""
    served = session.scalars(select(ApprovalEvent).where(
        ApprovalEvent.case_id == source.case_id, ApprovalEvent.action == Action.SERVE_NOTICE.value,
        ApprovalEvent.seq > source.seq).order_by(ApprovalEvent.seq))
    rows: list[tuple[str, str]] = []
    for e in served:
        p = e.body.get("payload", {})
        if p.get("notice") == kind and p.get("digest"):
            day = dt.date.fromisoformat(p["served_on"]) if p.get("served_on") else e.day
            rows += [("送达日期", format_date(day)), ("送达文书SM3", p["digest"])]
    return tuple(rows)


def _office(session: Session, hall_id: int) -> str:
    hall = session.get(Hall, hall_id)
    return settings_of(session, hall).office(office_of(hall)).name


def find(session: Session, token: str, today: dt.date) -> Finding | None:
    """What the token vouches for, or None for every kind of invalid token alike."""
    try:
        ref, _, _ = read_token(token)
        keys = pii_keys()
        if ref.kind == "licence":
            lic = session.get(Licence, ref.reference)
            hall_id = lic.hall_id if lic is not None else 0
        else:
            event = session.get(ApprovalEvent, ref.reference)
            case = session.get(ApprovalCase, event.case_id) if event is not None else None
            hall_id = case.hall_id if case is not None else 0
        check_token(token, derive_hall_key(keys, hall_id))  # computed even when nothing was found
        if ref.kind == "licence":
            return _licence_finding(session, lic, today) if lic is not None else None
        if case is None or event.action not in {a.value for a in SOURCE[NoticeKind(ref.kind)]}:
            return None
        return _notice_finding(session, ref.kind, event, case)
    except (InvalidToken, KeyUnavailable, ValueError):
        return None


@router.get("/v/{token}", response_class=HTMLResponse, include_in_schema=True)
def verify_page(token: str, request: Request, clock: Clock) -> HTMLResponse:
    now = clock()
    try:
        limiter_for(request.app.state, LIMITER).check(client_key(None, client_address(request)), now,
                                                      PER_ADDRESS_PER_HOUR, "verify_rate_limited")
    except Rejected:
        return _page("查询过于频繁", None, "查询过于频繁，请稍后再试。", status=429)
    with request.app.state.database.read_session() as session:
        finding = find(session, token[:100], local_day(now))
        if finding is None:
            return _page("核验结果", None, INVALID, status=404)
        return _page(finding.title, finding, "")


STYLE = """
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
background:#f3f5f8;color:#1a202c;font-size:16px;line-height:1.6}
main{max-width:640px;margin:0 auto;padding:16px}
header{background:#b91c1c;color:#fff;padding:14px 16px;font-size:18px;font-weight:bold;text-align:center}
.card{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.status{font-size:22px;font-weight:bold;text-align:center;padding:12px;border-radius:6px;margin-bottom:12px}
.ok{background:#e6f4ea;color:#166534}.bad{background:#fde8e8;color:#991b1b}
.invalid{font-size:20px;font-weight:bold;text-align:center;color:#991b1b;padding:24px 8px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:8px 14px;margin:0}
dt{color:#4a5568}dd{margin:0;word-break:break-all}
footer{color:#718096;font-size:13px;text-align:center;margin-top:16px}
"""


def _page(title: str, finding: Finding | None, message: str, status: int = 200) -> HTMLResponse:
    e = html.escape
    if finding is None:
        body = f'<div class="invalid">{e(message)}</div>'
    else:
        rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in finding.rows)
        body = f'<div class="status {finding.tone}">{e(finding.status)}</div><dl>{rows}</dl>'
    page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{e(title)}</title><style>{STYLE}</style></head>'
            f'<body><header>政务服务 · 扫码核验</header><main><div class="card"><h1 style="font-size:18px;'
            f'margin:0 0 12px">{e(title)}</h1>{body}</div><footer>本页面仅显示核验所需信息，个人信息已脱敏。</footer>'
            f'</main></body></html>')
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
