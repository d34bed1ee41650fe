"""Queue rejections: a stable code and its Chinese message (shared/queue/messages.py first, then the codes
only the server raises), and the queue's mapping of domain errors to rejections (its CommandSpecs'
`rejection`; the spec runs the handler in its savepoint)."""

from __future__ import annotations

from typing import Any

from server.sync.registry import Rejected, RejectedWithRecord
from shared.errors import DomainError
from shared.queue.messages import MESSAGES

SERVER_MESSAGES: dict[str, str] = {
    "unknown_ticket": "该号不存在",
    "not_issuing_device": "只有发出该号的设备能报告其打印结果",
    "dispenser_cancel_not_own": "取号机只能取消本机发出且尚未叫号的号票",
    "unknown_window": "该窗口不存在",
    "window_not_yours": "本设备不属于该窗口",
    "number_not_leased": "号码不在本设备的号段内",
    "number_taken": "该号码已发出",
    "fallback_format": "备用号码格式有误",
    "ticket_id_conflict": "号票编号已被另一张号票使用",
    "ticket_at_other_window": "该号不在本窗口",
    "rating_exists": "该号已评价",
    "rating_id_conflict": "评价编号已被使用",
    "qr_token_unknown": "二维码无效或未找到对应预约",
    "invalid_phone": "手机号码格式不正确（应为11位手机号）",
    "invalid_name": "姓名格式不正确（最多30个字，不能含控制字符或不可见字符）",
    "booking_not_named": "该号没有预约人姓名（非预约号，或预约时未留姓名）",
    "unknown_appointment": "预约不存在",
    "appointment_not_cancellable": "该预约已签到或已取消，不能取消",
    "appointment_not_yours": "预约信息与身份证号码不符",
    "wrong_hall": "该记录属于其他大厅",
    "business_prefix_taken": "该取号字母已被其他业务使用",
    "business_code_taken": "该业务编码已被使用",
    "unknown_department": "部门不存在",
    "unknown_floor": "楼层不存在",
    "unknown_hall": "大厅不存在",
    "quota_am_exceeds_day": "上午限号不能超过全天限号",
    "quota_pm_exceeds_day": "下午限号不能超过全天限号",
    "display_mismatch": "号票显示号码与号码不符",
    "role_required": "当前登录人员无权执行该操作",
    "booking_rate_limited_person": "该身份证号码今日预约操作次数过多，请明天再试",
    "booking_rate_limited_client": "预约请求过于频繁，请稍后再试",
    "card_match_rate_limited": "本机刷证查询过于频繁，请稍后再试",
}


def message(code: str) -> str:
    return MESSAGES.get(code) or SERVER_MESSAGES.get(code, "操作未能完成")


def reject(code: str, status: int = 409, **details: Any) -> Rejected:
    return Rejected(code, message(code), status=status, **details)


def rejected_from(error: DomainError, status: int = 409) -> Rejected:
    """A domain refusal (CallRefused, WrongTicketState, RatingRefused, InvalidIdentifier…) as a rejection."""
    details = {k: v for k, v in error.details.items() if k != "code"}
    return Rejected(error.code, message(error.code), status=status, **details, reason=error.message)


def reject_with_record(code: str, record, **details: Any) -> RejectedWithRecord:  # noqa: ANN001
    """A queue rejection that keeps `record(session, ctx)`'s writes (see RejectedWithRecord)."""
    return RejectedWithRecord(code, message(code), record, **details)
