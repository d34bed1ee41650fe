"""The login dialog against a real server on loopback, and offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gui.ops import Ops
from gui.qt import Qt
from client.services.auth import AuthService
from client.services.offline_logins import OfflineLoginStore, OfflinePolicy
from client.windows.login import LoginDialog


def _dialog(qtbot, url: str, tmp_path: Path) -> LoginDialog:  # noqa: ANN001
    store = OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000))
    dialog = LoginDialog(AuthService(url, store), Ops(), hall_name="市民服务中心一号大厅")
    qtbot.addWidget(dialog)
    dialog.resize(460, 300)
    dialog.show()
    return dialog


def _type(qtbot, dialog: LoginDialog, username: str, password: str) -> None:  # noqa: ANN001
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_login_succeeds_and_emits_the_session(qtbot, server_url, tmp_path, screenshot) -> None:
    dialog = _dialog(qtbot, server_url, tmp_path)
    screenshot(dialog, "client/login")
    with qtbot.waitSignal(dialog.sig_logged_in, timeout=5000) as blocker:
        _type(qtbot, dialog, "clerk", "GovHall@2026")
    session = blocker.args[0]
    assert session.display_name == "王晓敏" and not session.offline


def test_wrong_password_is_shown_in_chinese(qtbot, server_url, tmp_path, screenshot) -> None:
    dialog = _dialog(qtbot, server_url, tmp_path)
    _type(qtbot, dialog, "clerk", "nope")
    qtbot.waitUntil(lambda: dialog.message.text() == "用户名或密码错误", timeout=5000)
    assert dialog.password.text() == "" and dialog.submit.isEnabled() and dialog.isVisible()
    screenshot(dialog, "client/login-wrong-password")


def test_unreachable_server_and_unknown_user(qtbot, dead_url, tmp_path, screenshot) -> None:
    dialog = _dialog(qtbot, dead_url, tmp_path)
    _type(qtbot, dialog, "clerk", "GovHall@2026")
    qtbot.waitUntil(lambda: "无法离线登录" in dialog.message.text(), timeout=8000)
    screenshot(dialog, "client/login-offline-unknown")
