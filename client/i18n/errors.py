from __future__ import annotations

from gui.qt import QApplication

# code → Chinese text. Codes come from shared/ and server/ errors; unknown codes fall back to the message.
_TEXTS = {
    "missing_credentials": "请输入用户名和密码",
    "invalid_credentials": "用户名或密码错误",
    "account_locked": "密码错误次数过多，账号已锁定，请稍后再试",
    "offline_unknown_user": "服务器无法连接，且该账号从未在本机联网登录过，无法离线登录",
    "offline_wrong_password": "服务器无法连接（离线登录）：用户名或密码错误",
    "offline_wrong_pin": "服务器无法连接（离线登录）：工号或 PIN 错误",
    "invalid_pin": "工号或 PIN 错误",
    "wrong_password": "密码错误",
    "pin_format": "PIN 须为 4 至 8 位数字",
    "pin_needs_server": "设置 PIN 需要连接服务器",
    "offline_locked": "离线登录失败次数过多，请稍后再试",
    "offline_expired": "离线登录凭据已过期，请在网络恢复后联网登录一次",
    "token_invalid": "登录已失效，请重新登录",
    "login_throttled": "本机登录失败次数过多，请稍后再试",
    "demo_password_refused": "演示密码不能在正式环境使用，请联系管理员重置密码",
    "hall_mismatch": "该账号不属于本工作站所在大厅，不能在此登录",
    "password_change_required": "请先修改密码",
    "wrong_current_password": "当前密码不正确",
    "change_needs_server": "修改密码需要连接服务器，请检查网络后再试",
    "unlock_wrong_password": "密码错误，请重新输入",
    "unlock_locked": "密码错误次数过多，请稍后再试",
    "admin_offline": "服务器无法连接：系统管理的修改需要联网，请检查网络后再试（其他岗位不受影响，可继续离线办理）",
    "unlock_unavailable": "无法在本机核对密码，请退出后重新登录",
    # issue 14: devices, notice settings, audit (系统管理)
    "device_kind_unknown": "设备类型不存在",
    "server_url_invalid": "服务器地址有误，应为 http(s)://主机[:端口]",
    "window_required": "该类设备须指定窗口",
    "window_not_applicable": "该类设备不属于某个窗口",
    "window_unknown": "该大厅没有这个窗口（或窗口已停用）",
    "hall_unknown": "大厅不存在",
    "device_unknown": "设备不存在",
    "notice_text_invalid": "文字过长或含换行（每项最多500字，单行）",
    "notice_remedies_incomplete": "救济途径文字须包含 {review_authority} 和 {court} 两个占位符",
    "notice_template_invalid": "模板文字有误，请检查后再保存",
    "seal_too_large": "印章图片不能超过512KB",
    "seal_not_png": "印章须为PNG图片",
    "seal_size": "印章图片边长须在100至2000像素之间",
    "seal_not_transparent": "印章PNG须为透明背景",
    "seal_not_base64": "印章图片编码有误",
    "unknown_notice_kind": "没有这种文书",
    "preview_unavailable": "无法显示预览：本机未安装 pdftoppm（poppler-utils）",
    "timezone_required": "时间须带时区",
    # organisation and queue administration (issue 14 parts 1-2)
    "window_number_taken": "本大厅已有该编号的窗口，请换一个窗口号",
    "led_address_taken": "该LED屏地址已分配给本大厅的其他窗口",
    "floor_level_taken": "本大厅已有该楼层",
    "hall_code_taken": "大厅编码已被使用",
    "centre_code_taken": "中心编码已被使用",
    "unknown_centre": "政务服务中心不存在",
    "unknown_floor": "楼层不存在或不属于本大厅",
    "unknown_window": "窗口不存在或不属于本大厅",
    "hall_forbidden": "无权操作其他大厅（新建大厅需中心管理员）",
    "role_required": "当前账号无权执行此操作",
    "username_taken": "用户名已被使用",
    "staff_no_taken": "工号已被使用",
    "unknown_role": "没有这个角色",
    "cannot_demote_self": "不能取消自己的管理员角色",
    "invalid_photo": "照片须为PNG或JPEG图片",
    "photo_too_large": "照片太大，请不超过512KB",
    "no_photo": "尚未上传照片",
    "password_too_short": "密码太短，不符合密码策略",
    "password_too_simple": "密码须包含大写字母、小写字母、数字、符号中的多类",
    "business_prefix_taken": "该取号字母已被其他业务使用",
    "business_code_taken": "该业务编码已被使用",
    "invalid_business": "业务设置有误：取号字母须为1-2个大写字母，名称不能为空",
    "invalid_quota": "放号规则有误：请检查取号时间与午休时间",
    "quota_am_exceeds_day": "上午限号不能超过全天限号",
    "quota_pm_exceeds_day": "下午限号不能超过全天限号",
    "invalid_request": "填写的内容有误，请检查后再提交",
}


def error_text(code: str, fallback: str = "") -> str:
    text = _TEXTS.get(code)
    if text is None:
        return fallback or QApplication.translate("errors", "操作失败（{code}）").format(code=code)
    return QApplication.translate("errors", text)
