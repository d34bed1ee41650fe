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
    "offline_account_disabled": "该账号已被停用，不能离线登录，请联系管理员",
    "account_disabled": "该账号已被停用，请联系管理员",
    "token_invalid": "登录已失效，请重新登录",
    "login_throttled": "本机登录失败次数过多，请稍后再试",
    "demo_password_refused": "演示密码不能在正式环境使用，请联系管理员重置密码",
    "hall_mismatch": "该账号不属于本工作站所在大厅，不能在此登录",
    "password_change_required": "请先修改密码",
    "wrong_current_password": "当前密码不正确",
    "password_change_locked": "当前密码错误次数过多，请稍后再试",
    "change_needs_server": "修改密码需要连接服务器，请检查网络后再试",
    "unlock_wrong_password": "密码错误，请重新输入",
    "unlock_locked": "密码错误次数过多，请稍后再试",
    "admin_offline": "服务器无法连接：系统管理的修改需要联网，请检查网络后再试（其他岗位不受影响，可继续离线办理）",
    "unlock_unavailable": "无法在本机核对密码，请退出后重新登录",
}


def error_text(code: str, fallback: str = "") -> str:
    text = _TEXTS.get(code)
    if text is None:
        return fallback or QApplication.translate("errors", "操作失败（{code}）").format(code=code)
    return QApplication.translate("errors", text)
