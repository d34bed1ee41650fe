"""Issue 18 on screen: a forced password change after login (nothing else until it is done), the idle screen
lock (the member's password, offline too), and a revoked device saying so on the kiosk and the workstation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import requests
from sqlalchemy import select

from client.services.auth import AuthService
from client.services.offline_logins import OfflineLoginStore, OfflinePolicy
from client.widgets.sync_status import SyncStatusWidget
from client.windows.login import LoginDialog
from client.windows.screen_lock import IdleLock
from gui.ops import Ops
from gui.qt import QLabel, QMainWindow, Qt, QTimer
from kiosk.widgets.common import StatusBanner
from server.credentials.passwords import set_password
from shared.db.models import StaffUser
from shared.sync.status import SyncStatus

TEMPORARY, CHOSEN = "Temp-Reset-2026", "Counter-Desk-2027"


def _dialog(qtbot, url: str, tmp_path: Path) -> tuple[LoginDialog, AuthService]:  # noqa: ANN001
    auth = AuthService(url, OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000)))
    dialog = LoginDialog(auth, Ops(), hall_name="市民服务中心一号大厅")
    qtbot.addWidget(dialog)
    dialog.resize(460, 300)
    dialog.show()
    return dialog, auth


def _reset(server_app, username: str) -> None:  # noqa: ANN001
    with server_app.state.database.session() as s:
        user = s.scalars(select(StaffUser).filter_by(username=username)).one()
        set_password(s, user, TEMPORARY, settings=server_app.state.settings,
                     now=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc), must_change=True)


def _sign_in(qtbot, dialog: LoginDialog, username: str, password: str) -> None:  # noqa: ANN001
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_a_reset_password_must_be_changed_before_anything_else(qtbot, server_app, server_url, tmp_path,
                                                               screenshot) -> None:  # noqa: ANN001
    _reset(server_app, "clerk")
    dialog, _ = _dialog(qtbot, server_url, tmp_path)
    signed_in = []
    dialog.sig_logged_in.connect(signed_in.append)
    _sign_in(qtbot, dialog, "clerk", TEMPORARY)
    qtbot.waitUntil(lambda: dialog.change is not None and dialog.change.isVisible(), timeout=5000)
    change = dialog.change
    assert signed_in == []  # the workspace does not open
    qtbot.keyClicks(change.current, TEMPORARY)
    qtbot.keyClicks(change.new, "short")
    qtbot.keyClicks(change.again, "short")
    change.submit.click()
    assert change.message.text() == "新密码太短（至少 12 位）"
    screenshot(change, "client/change-password-forced")
    for field, text in ((change.new, CHOSEN), (change.again, CHOSEN)):
        field.clear()
        qtbot.keyClicks(field, text)
    with qtbot.waitSignal(dialog.sig_logged_in, timeout=5000) as blocker:
        change.submit.click()
    assert blocker.args[0].must_change_password is False
    r = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "clerk", "password": CHOSEN}, timeout=5)
    assert r.status_code == 200 and r.json()["password_change_required"] is False


def test_refusing_the_change_stays_on_the_login(qtbot, server_app, server_url, tmp_path) -> None:  # noqa: ANN001
    _reset(server_app, "approver")
    dialog, _ = _dialog(qtbot, server_url, tmp_path)
    signed_in = []
    dialog.sig_logged_in.connect(signed_in.append)
    _sign_in(qtbot, dialog, "approver", TEMPORARY)
    qtbot.waitUntil(lambda: dialog.change is not None and dialog.change.isVisible(), timeout=5000)
    dialog.change.cancel.click()
    assert dialog.message.text() == "必须修改密码后才能使用本系统" and signed_in == [] and dialog.isVisible()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_screen_locks_when_idle_and_the_password_unlocks_it_offline(qtbot, server_url, dead_url, tmp_path,
                                                                        screenshot) -> None:  # noqa: ANN001
    store = OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000))
    session = AuthService(server_url, store).login("clerk", "GovHall@2026")  # online once: the verifier is kept
    offline = AuthService(dead_url, store)  # the network is gone now
    window = QMainWindow()
    window.setCentralWidget(QLabel("叫号面板"))
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    clock, signed_out = Clock(), []
    lock = IdleLock(window, session, lambda pw: offline.unlock(session, pw), monotonic=clock, check_ms=20,
                    on_sign_out=lambda: signed_out.append(True))
    clock.now += session.idle_lock_minutes * 60 - 1
    qtbot.wait(100)
    assert lock.lock is None  # not yet
    clock.now += 1
    qtbot.waitUntil(lambda: lock.lock is not None and lock.lock.isVisible(), timeout=2000)
    screen = lock.lock
    qtbot.keyClicks(screen.password, "wrong")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)  # checked off the GUI thread: the answer comes back
    qtbot.waitUntil(lambda: not screen.checking, timeout=5000)
    assert screen.message.text() == "密码错误，请重新输入" and screen.isVisible()
    assert screen.password.isEnabled() and screen.submit.isEnabled()
    screen.reject()  # Esc does not lift it
    assert screen.isVisible()
    screenshot(screen, "client/screen-lock")
    assert lock.cover is not None and lock.cover.isVisible() and lock.cover.geometry() == window.rect()
    screenshot(window, "client/screen-lock-window")
    qtbot.keyClicks(screen.password, "GovHall@2026")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.lock is None, timeout=5000)
    assert not screen.isVisible() and lock.cover is None
    clock.now += 30  # unlocking restarts the idle time: the lock waits a whole period again
    qtbot.wait(100)
    assert lock.lock is None
    lock.watcher.stop()


def test_the_unlock_check_runs_off_the_gui_thread(qtbot, screenshot) -> None:  # noqa: ANN001
    """A slow check (password hashing, the verifier file, maybe the network) does not freeze the lock: while it
    runs the GUI thread keeps serving timers, the field and button are disabled and say so, and a second Return
    starts no second check; a refusal re-enables them, the right password lifts the lock."""
    import threading
    from client.services.auth import LoginRefused
    from tests.client.support import staff

    gui_thread, release, calls = threading.get_ident(), threading.Event(), []

    def slow_unlock(password: str) -> None:
        calls.append((password, threading.get_ident()))
        assert release.wait(10)
        if password != "right":
            raise LoginRefused("wrong", code="unlock_wrong_password")

    window = QMainWindow()
    window.setCentralWidget(QLabel("受理面板"))
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(window, staff(), slow_unlock, monotonic=Clock(), check_ms=60_000)
    screen = lock.show_lock()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(True))
    timer.start(10)
    qtbot.keyClicks(screen.password, "wrong")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert screen.checking and not screen.password.isEnabled() and not screen.submit.isEnabled()
    assert screen.message.text() == "正在验证密码…"
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=3000)  # the GUI thread runs while the check waits
    screenshot(screen, "client/screen-lock-checking")
    screen.submit.click()  # disabled: no second check
    screen._try()
    assert [p for p, _ in calls] == ["wrong"] and calls[0][1] != gui_thread
    release.set()
    qtbot.waitUntil(lambda: not screen.checking, timeout=5000)
    assert screen.message.text() == "密码错误，请重新输入" and screen.password.isEnabled() and lock.lock is screen
    qtbot.keyClicks(screen.password, "right")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.lock is None, timeout=5000)
    assert not screen.isVisible() and [p for p, _ in calls] == ["wrong", "right"]
    timer.stop()
    lock.watcher.stop()


def test_a_revoked_device_says_so(qtbot, screenshot) -> None:  # noqa: ANN001
    revoked = SyncStatus(online=True, last_success_at=None, pending=3,
                         last_error="此设备的凭证已被管理员吊销", last_error_code="device_revoked")
    banner = StatusBanner(26)
    qtbot.addWidget(banner)
    banner.resize(1080, 80)
    banner.show_status(revoked)
    assert banner.isVisible() and banner.text() == "本设备已被管理员停用，请联系工作人员"
    screenshot(banner, "kiosk/device-revoked-banner")

    class Revoked:
        def status(self) -> SyncStatus:
            return revoked
    widget = SyncStatusWidget(Revoked(), Ops(), interval_ms=60_000)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.status is not None, timeout=3000)
    assert widget.online.text() == "● 本工作站凭证已被吊销，无法同步，请联系管理员"


def test_a_refused_session_token_locks_the_screen_and_unlocking_signs_in_again(qtbot, server_url, server_clock,
                                                                               sqlite_database, tmp_path,
                                                                               screenshot) -> None:  # noqa: ANN001
    """The server refuses the clerk's token (unused for over 30 minutes): the workstation locks its screen and
    says why; the clerk's password unlocks it and signs in again on the sync thread, and the pause queued
    meanwhile goes up under the new token — nothing lost, nothing crashed."""
    from client.windows.token_guard import TokenGuard
    from shared.db.cache import open_cache
    from shared.db.models.org import Window
    from shared.sync.client import SyncClient
    from shared.sync.errors import SyncFailed
    from shared.sync.transport import HttpTransport
    from tests.gui.client_support import shoot
    from tests.sync.support import new_device

    with sqlite_database.session() as s:
        desk = s.scalars(select(Window).order_by(Window.id)).first()
        hall_id, window_id = desk.hall_id, desk.id
    device_id, token = new_device(sqlite_database, "workstation", hall_id, window_id)
    auth = AuthService(server_url, OfflineLoginStore(tmp_path / "logins.json", OfflinePolicy(iterations=1000)),
                       device_id=device_id)
    session = auth.login("clerk", "GovHall@2026")
    sync = SyncClient(open_cache(tmp_path / "cache.sqlite3", immediate=True), device_id=device_id, token=token,
                      transport=HttpTransport(server_url), staff_token=session.token)
    sync.sync_once()
    server_clock.advance(minutes=31)
    sync.submit("queue.pause", 1, {"window_id": window_id, "at": server_clock().isoformat()})
    try:
        sync.sync_once()
    except SyncFailed as exc:
        assert exc.code == "staff_token_idle"
    window = QMainWindow()
    window.setCentralWidget(QLabel("叫号面板"))
    qtbot.addWidget(window)
    window.show()
    woken = []
    lock = IdleLock(window, session, lambda pw: auth.unlock(session, pw), monotonic=Clock(), check_ms=60_000)
    guard = TokenGuard(lock, sync, lambda: woken.append(True), check_ms=20)
    lock.unlock = guard.unlock(auth, session)
    qtbot.waitUntil(lambda: lock.lock is not None and lock.lock.isVisible(), timeout=2000)
    screen = lock.lock
    assert "重新登录" in screen.message.text()
    screenshot(screen, "client/screen-lock-token-refused")
    shoot(qtbot, screenshot, window, "screen-lock-token-refused-window")
    assert lock.cover.geometry() == window.rect()  # resized while locked: still all covered
    qtbot.keyClicks(screen.password, "GovHall@2026")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.lock is None, timeout=5000)
    assert woken == [True] and sync.staff_login is not None
    sync.sync_once()  # what the woken loop does: the new sign-in first, then the waiting pause
    status = sync.status()
    assert (status.pending, status.rejected, status.last_error_code) == (0, [], None)
    qtbot.wait(100)
    assert lock.lock is None  # accepted again: the guard stays quiet
    guard.timer.stop()
    lock.watcher.stop()
    sync.engine.dispose()
