"""Chinese words for the domain's stable codes: call-decision reasons, case statuses, approval actions, cards,
device and sync states. The UI layer owns the wording (STYLE.md 11); shared/ only gives codes."""

from __future__ import annotations

import datetime as dt

from gui.qt import QApplication
from shared.approval import messages as approval_messages
from shared.china_time import CHINA_TZ
from shared.queue import messages as queue_messages
from shared.queue.calling import Reason

CLASS_NAMES = {1: "预约", 2: "绿色通道", 3: "普通"}
TURN_NAMES = {"priority": "优先号", "normal": "普通号"}

STATUS = {
    "received": "已收件", "pre_accepted": "预受理", "correction_requested": "待补正", "not_accepted": "不予受理",
    "in_review": "审批中", "special_procedure": "特别程序", "decided_granted": "准予许可",
    "decided_refused": "不予许可", "licence_made": "已制证", "licence_issued": "已发证", "closed": "已办结",
    "delivered": "已送达", "withdrawn": "已撤回", "terminated": "已终止",
}

ACTIONS = {
    "receive": "收件", "pre_accept": "预受理", "request_correction": "补正告知", "receive_correction": "收取补正材料",
    "accept": "受理", "deemed_accepted_art32": "视为受理", "reject_application": "不予受理", "pass_step": "通过",
    "return_to_step": "退回", "start_special_procedure": "启动特别程序", "end_special_procedure": "结束特别程序",
    "extend": "延长期限", "grant": "准予许可", "refuse": "不予许可", "make_licence": "制证", "issue_licence": "发证",
    "close": "办结", "deliver": "送达", "withdraw": "撤回申请", "terminate": "终止", "urge": "催办",
    "supervise": "督办", "reply_supervision": "回复督办", "mark_urgent": "标为急件",
}

CARDS = {"green": "正常", "yellow_card": "黄牌", "red_card": "红牌"}

WARNINGS = {
    "card_expired": "身份证已过有效期，请核实身份",
    "identity_typed_not_read": "身份信息为手工录入，未经读卡核验",
}


def tr(text: str) -> str:
    return QApplication.translate("labels", text)


def reason_text(reason: Reason | dict, names: dict[int, str] | None = None) -> str:
    """One line of "why this ticket" in Chinese."""
    d = reason.to_dict() if isinstance(reason, Reason) else dict(reason)
    code = d.get("code")
    if code == "fairness_turn":
        turn = TURN_NAMES.get(d["turn"], d["turn"])
        return QApplication.translate("labels", "按 {ratio}（优先:普通）轮到{turn}").format(ratio=d["ratio"], turn=turn)
    if code == "only_other_kind_waiting":
        turn = TURN_NAMES.get(d["turn"], d["turn"])
        return QApplication.translate("labels", "轮到{turn}，但该类无人等候，改叫另一类").format(turn=turn)
    if code == "business_level":
        business = (names or {}).get(d["business"], str(d["business"]))
        return QApplication.translate("labels", "本窗口优先办理“{b}”（第 {level} 优先级）").format(b=business, level=d["level"])
    if code in ("appointment_on_time", "green_channel", "normal"):
        return QApplication.translate("labels", "号票类别：{c}").format(c=CLASS_NAMES.get(d.get("class", 3), ""))
    if code == "earliest_in_line":
        when = dt.datetime.fromtimestamp(d["issued_ms"] / 1000, CHINA_TZ)
        return QApplication.translate("labels", "同类中取号最早（{t}）").format(t=when.strftime("%H:%M:%S"))
    if code == "passed_over":
        kind = CLASS_NAMES.get(d.get("class", 3), "")
        return QApplication.translate("labels", "{t}（{c}）需稍候").format(t=d["ticket"], c=kind)
    if code == "waited_over_max":
        return QApplication.translate("labels", "{t} 已等候 {m} 分钟，超过 {x} 分钟上限，优先呼叫").format(
            t=d["ticket"], m=d["minutes"], x=d["max_minutes"])
    if code == "called_specifically":
        return QApplication.translate("labels", "特呼 {t}").format(t=d["ticket"])
    return str(code)


def queue_error(code: str) -> str:
    return tr(queue_messages.message_for(code))


def approval_error(code: str) -> str:
    return tr(approval_messages.message_for(code))


NOTICE_NAMES = {"accepted": "受理通知书", "correction": "补正材料通知书", "rejected": "不予受理决定书"}
# Values a notice template may need that come from the hall's reference data.
NOTICE_VALUES = {"review_authority": "行政复议机关", "court": "人民法院", "office_phone": "联系电话",
                 "office_address": "办公地址", "competent_authority": "有权机关"}
NOTICE_PROBLEMS = {
    "notice_unprintable_character": "申请人信息中有打印字库没有的字",
    "notice_font_not_found": "本机没有可用于打印的中文字体",
    "notice_not_saved": "文件无法保存到本机磁盘",
    "notice_failed": "生成文件时出错",
    "notice_invalid_template": "通知书模板有误",
    "notice_template_incomplete": "通知书模板缺少法定内容",
}


def notice_problem(kind: str, code: str, missing: tuple[str, ...] = ()) -> str:
    """Why a notice was not produced, for the clerk: plain words, what still stands, and whom to ask."""
    name = tr(NOTICE_NAMES.get(kind, "通知书"))
    if code == "notice_missing_placeholder":
        known = list(NOTICE_VALUES)  # the order a notice names them in: the review authority, then the court
        ordered = sorted(missing, key=lambda m: known.index(m) if m in known else len(known))
        values = ("、".join(tr(NOTICE_VALUES.get(m, "")) or m for m in ordered)
                  or QApplication.translate("labels", "所需信息"))
        why = QApplication.translate("labels", "大厅基础资料缺少{0}").format(values)
    else:
        why = tr(NOTICE_PROBLEMS.get(code, "")) or tr(approval_messages.message_for(code))
    return QApplication.translate(
        "labels", "{0}未能生成：{1}。办件已保存，回执照常打印；请联系系统管理员处理后再出具{0}").format(name, why)


REGISTERS = {"company": "市场主体登记库", "person": "人口信息库"}


def mismatch_text(m: dict) -> str:
    """A 信息比对 warning the server found (server/approval/comparison.py: a code and its details) in words."""
    register = tr(REGISTERS.get(m.get("register", ""), "")) or QApplication.translate("labels", "登记库")
    code = m.get("code", "")
    if code == "not_in_register":
        return QApplication.translate("labels", "{0}中未查到证件号 {1}").format(register, m.get("id", ""))
    if code == "name_mismatch":
        return QApplication.translate("labels", "{0}登记的名称为“{1}”，与申请填写的“{2}”不一致").format(
            register, m.get("registered_name", ""), m.get("given_name", ""))
    return str(m.get("message") or code)


def status_text(code: str) -> str:
    return tr(STATUS.get(code, code))


def action_text(code: str) -> str:
    return tr(ACTIONS.get(code, code))
