"""Chinese messages for the rectification loop's refusal codes (server rejections and client dialogs)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "stale_record": "该整改记录已被他人处理，请刷新后重试",
    "unknown_record": "整改记录不存在",
    "not_your_department": "该差评不属于本部门，不能处理",
    "handler_role_required": "只有本部门的审批或窗口人员可以处理差评",
    "reviewer_role_required": "只有督查人员可以复核申诉",
    "action_not_allowed": "当前状态下不能进行该操作",
    "text_required": "请填写完整内容",
    "text_too_long": "内容过长",
    "bad_decision": "复核结论只能是维持或撤销",
    "bad_rectification_kind": "整改方式只能是整改或说明",
    "appeal_already_made": "该差评已申诉过，不能再次申诉",
    "case_not_closed": "办件办结后才能评价",
    "case_rating_exists": "该办件已评价",
    "unknown_case": "办件不存在",
    "bad_rating_needs_reason": "差评需要填写原因",
    "bad_rating_level": "评价等级不正确",
    "rating_id_conflict": "评价编号已被使用",
    "wrong_hall": "该记录属于其他大厅",
    "staff_login_required": "请先登录工作人员账号",
    "case_not_asked": "本窗口未请求评价该办件",
    "window_required": "请在窗口工作站上请求评价器评价",
    "window_not_yours": "本工作站不属于该窗口",
    "unknown_window": "窗口不存在",
}


def message(code: str) -> str:
    return MESSAGES.get(code, "操作未能完成")
