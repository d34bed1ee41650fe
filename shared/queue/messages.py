"""Short Chinese texts for the queue's error codes, for the kiosk and the clients to show.

Keyed by the stable `code` of the errors in `shared.queue.errors` (and the resident-ID codes that issuing a
ticket can raise). The UI layers own the wording; this is their single source for queue rejections.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # configuration
    "invalid_business": "业务配置有误",
    "invalid_window": "窗口配置有误",
    "invalid_quota": "放号规则配置有误",
    "invalid_appointment_rules": "预约规则配置有误",
    "invalid_check_in_window": "预约签到时间配置有误",
    "invalid_calling_rules": "叫号规则配置有误",
    "invalid_priority_classes": "优先类别配置有误（应为老年人、残疾人、孕妇、军人之一）",
    "invalid_rating_rules": "评价规则配置有误",
    "invalid_estimate_rules": "等候时间估算配置有误",
    "invalid_remote_rules": "到厅取号位置配置有误（纬度、经度或半径超出范围）",
    # issuing tickets (取号)
    "unknown_business": "该业务不存在",
    "business_inactive": "该业务暂不办理",
    "business_paused": "该业务暂停取号",
    "person_id_required": "请刷身份证或出示粤省事码",
    "outside_opening_hours": "不在该业务取号时间内",
    "lunch_break": "午休时间暂停取号，请稍后再来",
    "quota_exhausted": "今日该业务号已取完",
    "am_quota_exhausted": "上午该业务号已取完，请下午再来",
    "pm_quota_exhausted": "下午该业务号已取完",
    "person_already_queued": "您已取得该业务的号，请勿重复取号",
    "appointment_mismatch": "预约信息与办事人或业务不符",
    "check_in_too_early": "未到预约签到时间，请稍后再来",
    # 到厅取号 from a phone (shared.queue.remote)
    "remote_not_offered": "本大厅未开通手机到厅取号（未设置大厅位置），请到取号机取号",
    "remote_position_invalid": "无法识别您的位置，请开启定位后重试",
    "remote_position_inaccurate": "您的定位精度不足，请到开阔处或开启精确定位后重试",
    "remote_too_far": "您不在大厅附近，请到大厅后再取号",
    # resident ID numbers read at the dispenser
    "empty": "请输入身份证号码",
    "wrong_length": "身份证号码应为18位",
    "bad_character": "身份证号码含有无效字符",
    "impossible_birth_date": "身份证号码中的出生日期无效",
    "future_birth_date": "身份证号码中的出生日期无效",
    "bad_check_character": "身份证号码校验位错误",
    # mobile numbers typed at the dispenser (手机号取号; shared.validation.check_mobile)
    "phone_empty": "请输入手机号码",
    "phone_bad_character": "手机号码只能包含数字",
    "phone_wrong_length": "手机号码应为11位",
    "phone_not_mobile": "请输入正确的手机号码（1开头，第二位为3至9）",
    # booking appointments (预约)
    "hall_closed_that_day": "该日不是工作日",
    "slot_not_offered": "该时段不提供预约",
    "booking_too_late": "该时段已过预约截止时间",
    "beyond_booking_horizon": "超出可预约的日期范围",
    "slot_full": "该时段预约已满",
    "person_daily_booking_limit": "您当天的预约次数已达上限",
    # calling (叫号)
    "wrong_ticket_state": "该号当前状态不能进行此操作",
    "window_does_not_serve_business": "本窗口不办理该业务",
    "ticket_print_failed": "该号打印失败，市民未取得号票，不能呼叫",
    "print_outcome_refused": "号票打印状态有误",
    "ticket_reserved_for_other_window": "该号已转移到其他窗口",
    "ticket_held_by_other_window": "该号由其他窗口挂起",
    "recall_limit_reached": "重呼次数已达上限",
    "no_show_too_early": "重呼次数未满，暂不能过号",
    "transfer_needs_destination": "请选择转移的业务或窗口",
    "window_inactive": "本窗口未启用",
    "window_paused": "本窗口已暂停服务",
    "window_already_paused": "本窗口已处于暂停状态",
    "window_not_paused": "本窗口未暂停",
    "window_busy": "请先办结或处理当前号",
    "no_ticket_waiting": "当前无人等候",
    "call_next_stale": "叫号请求送达太迟，未执行",
    "ticket_claimed_elsewhere": "该号已被其他窗口呼叫",
    "service_closed": "该业务今日已停止叫号",
    # ratings (好差评)
    "rating_before_service_end": "办理尚未结束，暂不能评价",
    "rating_timed_out": "评价已超时",
    "bad_rating_needs_reason": "请选择或填写差评原因",
    "rating_still_open": "评价尚未超时",
    "rectification_needs_bad_rating": "仅差评需要整改",
    "visit_not_rateable": "该号未办结，不能评价",
    # appointment QR codes (appointment_qr)
    "appointment_token_unknown": "未查询到该二维码对应的预约，请刷身份证或咨询工作人员",
    "appointment_token_used": "该预约已取号，请勿重复取号",
    "appointment_token_cancelled": "该预约已取消，如需办理请重新取号",
    "appointment_token_expired": "该预约已过签到时间，如需办理请重新取号",
    "appointment_token_other_day": "该预约不是今天的，请在预约当天前来",
    "appointment_token_offline": "网络中断，本机暂无该预约信息，请刷身份证取号或咨询工作人员",
}


def message_for(code: str) -> str:
    """The Chinese text for a code; a generic text for a code this catalogue does not know."""
    return MESSAGES.get(code, "操作未能完成")
