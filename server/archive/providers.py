"""Document providers: each gives the documents of one case it knows about, as ArchiveDocument(kind, title,
date, data, mime). The archive (assemble.py) asks every registered provider and files what they give in the
configured order (shared/archive.py); a provider that has nothing for a case gives nothing.

Registration point for the other parts of issue 15 (wired at merge):
    from server.archive.providers import register_provider
    register_provider("materials", materials_provider)   # kind "material": the uploaded scans (wt-attach)
    register_provider("licence", licence_provider)       # kind "licence": the certificate PDF (wt-licence)
A provider is `fn(ctx: CaseContext) -> Iterable[ArchiveDocument]`, called in the archive job's transaction
(ctx.session); it must not commit. Names are unique; registering a name again replaces that provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.approval.models import ApprovalCase
from server.approval.notice_render import render_case_notice
from server.archive.pages import Pages
from shared.approval.definition import WorkflowDefinition
from shared.approval.events import CHINA_TZ, Event
from shared.approval.lifecycle import Action
from shared.approval.state import CaseState
from shared.approval_notices import SOURCE, NoticeNotAvailable
from shared.archive import APPLICATION, NOTICE, OPINIONS, SERVICE
from shared.crypto.sm2 import sm3_hex
from shared.db.models import Hall, ServiceItem, Situation
from shared.notices import NoticeKind

PDF = "application/pdf"


@dataclass(frozen=True)
class ArchiveDocument:
    kind: str        # shared.archive kinds: application / material / notice / service / opinions / licence
    title: str
    date: dt.date
    data: bytes
    mime: str        # application/pdf, image/jpeg, image/png
    notice: str = ""  # a notice's NoticeKind value: what the 送达 records of that kind are checked against


@dataclass(frozen=True)
class CaseContext:
    session: Session
    case: ApprovalCase
    events: list[Event]
    state: CaseState
    definition: WorkflowDefinition
    hall: Hall
    made_at: dt.datetime  # when the archive is built (the date put in the PDFs it makes)

    @property
    def item_name(self) -> str:
        return self.session.scalar(select(ServiceItem.name).where(ServiceItem.code == self.case.item_code)) \
            or self.case.item_code

    @property
    def situation_name(self) -> str:
        return self.session.scalar(select(Situation.name).where(Situation.code == self.case.situation_code)) \
            or self.case.situation_code


DocumentProvider = Callable[[CaseContext], Iterable[ArchiveDocument]]
_PROVIDERS: dict[str, DocumentProvider] = {}


def register_provider(name: str, provider: DocumentProvider) -> None:
    _PROVIDERS[name] = provider


def unregister_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def providers() -> dict[str, DocumentProvider]:
    return dict(_PROVIDERS)


NOTICE_TITLES = {NoticeKind.RECEIPT: "收件回执", NoticeKind.ACCEPTANCE: "受理通知书",
                 NoticeKind.CORRECTION: "补正材料通知书", NoticeKind.REFUSAL_OF_ACCEPTANCE: "不予受理决定书",
                 NoticeKind.SPECIAL_PROCEDURE: "特别程序告知书", NoticeKind.EXTENSION: "延长审批期限告知书",
                 NoticeKind.GRANT: "准予行政许可决定书", NoticeKind.REFUSAL: "不予行政许可决定书"}
ACTION_NAMES = {Action.RECEIVE: "收件", Action.ACCEPT: "受理", Action.PASS_STEP: "通过",
                Action.RETURN_TO_STEP: "退回", Action.GRANT: "准予许可", Action.REFUSE: "不予许可",
                Action.REQUEST_CORRECTION: "补正告知", Action.REJECT_APPLICATION: "不予受理",
                Action.EXTEND: "延期", Action.START_SPECIAL_PROCEDURE: "特别程序", Action.MAKE_LICENCE: "制证",
                Action.ISSUE_LICENCE: "发证", Action.CLOSE: "办结", Action.DELIVER: "送达/出件"}
CHANNELS = {"counter": "窗口", "online": "网上申请", "post": "邮寄"}
METHODS = {"direct": "直接送达", "post": "邮寄送达", "electronic": "电子送达", "public": "公告送达"}


def _local(at: dt.datetime) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def application(ctx: CaseContext) -> Iterable[ArchiveDocument]:
    """申请书: the application as the counter recorded it, on one page."""
    c, s = ctx.case, ctx.state
    page = Pages("行政许可申请登记表", ctx.made_at)
    page.title("行政许可申请登记表")
    page.fields([("办件编号", c.case_number), ("事项", f"{ctx.item_name}（{c.item_code}）"),
                 ("情形", ctx.situation_name), ("申请人", c.applicant_name),
                 ("证件号码", c.applicant_id_masked),
                 ("申请人类型", "法人/其他组织" if c.applicant_kind == "company" else "自然人"),
                 ("联系电话", c.phone_masked), ("所属镇街", c.town), ("承办部门", c.department),
                 ("收件渠道", CHANNELS.get(c.channel or "counter", c.channel)), ("收件日期", s.received_on.isoformat()),
                 ("受理日期", s.accepted_on.isoformat() if s.accepted_on else ""),
                 ("受理大厅", ctx.hall.name)])
    page.space()
    page.line("提交材料", bold=True)
    page.table(("序号", "材料名称"), [(str(i), m) for i, m in enumerate(sorted(s.materials), 1)], (12, 88))
    yield ArchiveDocument(APPLICATION, "行政许可申请登记表", s.received_on, page.bytes(), PDF)


def notices(ctx: CaseContext) -> Iterable[ArchiveDocument]:
    """Every notice the server can render for the case, in the order of the events they report; and, for a
    notice served before a later event changed it (a grant notice served before 制证 gave the licence its
    number), the text as it stood when served, so that each 送达 record's SM3 has its notice in the archive."""
    found = []
    for kind in NoticeKind:
        source = next((e for e in reversed(ctx.events) if e.action in SOURCE[kind]), None)
        if source is None:
            continue
        try:
            pdf = render_case_notice(ctx.session, ctx.case, kind, ctx.events)
        except NoticeNotAvailable:
            continue
        found.append((source.seq, ArchiveDocument(NOTICE, NOTICE_TITLES[kind], source.day, pdf, PDF, kind.value)))
        found.extend(_served_texts(ctx, kind, {sm3_hex(pdf)}))
    for _, doc in sorted(found, key=lambda p: p[0]):
        yield doc


def _served_texts(ctx: CaseContext, kind: NoticeKind, have: set[str]) -> list[tuple[int, ArchiveDocument]]:
    """The notice as rendered from the events before each of its 送达, when that is what was served and it is
    not the text already filed. A served SM3 no rendering gives is left to the archive's verification."""
    out = []
    for i, e in enumerate(ctx.events):
        digest = e.payload.get("digest") if e.action is Action.SERVE_NOTICE else None
        if not digest or e.payload.get("notice") != kind.value or digest in have:
            continue
        try:
            pdf = render_case_notice(ctx.session, ctx.case, kind, ctx.events[:i])
        except NoticeNotAvailable:
            continue
        if sm3_hex(pdf) == digest:
            have.add(digest)
            day = e.payload.get("served_on") or e.day.isoformat()
            out.append((e.seq, ArchiveDocument(NOTICE, f"{NOTICE_TITLES[kind]}（{day}送达文本）", e.day, pdf, PDF,
                                               kind.value)))
    return out


def services(ctx: CaseContext) -> Iterable[ArchiveDocument]:
    """送达记录: every notice served, how, on whom (masked) and the SM3 / signer of the bytes served."""
    served = [e for e in ctx.events if e.action is Action.SERVE_NOTICE]
    if not served:
        return
    page = Pages("文书送达记录", ctx.made_at)
    page.title("文书送达记录")
    page.line(f"办件编号：{ctx.case.case_number}")
    page.space(2)
    rows = []
    for e in served:
        p = e.payload
        kind = NoticeKind(p["notice"]) if p.get("notice") in NoticeKind._value2member_map_ else None
        rows.append((NOTICE_TITLES.get(kind, p.get("notice", "")), METHODS.get(p.get("method"), p.get("method", "")),
                     p.get("served_on", e.day.isoformat()), p.get("recipient_masked", ""),
                     p.get("reference", ""), e.actor.user_id, f"{p.get('digest', '')[:16]}…"))
    page.table(("文书", "送达方式", "送达日期", "受送达人", "凭据", "经办人", "文书SM3摘要"), rows,
               (22, 14, 14, 12, 16, 10, 20))
    yield ArchiveDocument(SERVICE, "文书送达记录", served[-1].day, page.bytes(), PDF)


def opinions(ctx: CaseContext) -> Iterable[ArchiveDocument]:
    """审批意见: each step's action and opinion, from the case history."""
    acted = [e for e in ctx.events if e.opinion or e.action in (Action.PASS_STEP, Action.RETURN_TO_STEP,
                                                                 Action.GRANT, Action.REFUSE)]
    if not acted:
        return
    page = Pages("审批意见表", ctx.made_at)
    page.title("审批意见表")
    page.line(f"办件编号：{ctx.case.case_number}　事项：{ctx.item_name}")
    page.space(2)
    rows = []
    for e in acted:
        step = e.payload.get("step") or ""
        try:
            step = ctx.definition.step(step).display_name if step else ""
        except Exception:  # noqa: BLE001 - a step renamed in a later definition keeps its code
            pass
        rows.append((step, ACTION_NAMES.get(e.action, e.action.value), e.opinion or "—", e.actor.user_id,
                     _local(e.at)))
    page.table(("环节", "操作", "意见", "办理人", "时间"), rows, (16, 12, 40, 12, 20))
    yield ArchiveDocument(OPINIONS, "审批意见表", acted[-1].day, page.bytes(), PDF)


register_provider("application", application)
register_provider("notices", notices)
register_provider("services", services)
register_provider("opinions", opinions)
