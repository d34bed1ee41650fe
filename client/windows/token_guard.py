"""When the server refuses the member's session token (unused longer than its idle limit, or ended by an
admin), the workstation locks its screen and says why; unlocking with the password (checked against the stored
verifier, as any unlock) also hands the sync client an online sign-in with it, made on the sync thread before
its next cycle. Nothing is lost meanwhile: the outbox keeps every command until the new token sends it."""

from __future__ import annotations

from collections.abc import Callable

from client.services.auth import AuthService, StaffSession
from client.windows.screen_lock import IdleLock
from gui.qt import QObject, QTimer
from shared.sync.client import SyncClient
from shared.sync.status import STAFF_TOKEN_REFUSED


class TokenGuard(QObject):
    def __init__(self, idle_lock: IdleLock, sync: SyncClient, wake: Callable[[], None], *,
                 check_ms: int = 2000) -> None:
        super().__init__(idle_lock)
        self.idle_lock, self.sync, self.wake = idle_lock, sync, wake
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(check_ms)

    def refused(self) -> bool:
        """The sync's last answer refused the token, and no new sign-in is waiting to be made (reads memory
        only: the GUI thread never waits)."""
        return self.sync.last_error_code in STAFF_TOKEN_REFUSED and self.sync.staff_login is None

    def check(self) -> None:
        if self.refused() and self.idle_lock.lock is None:
            self.idle_lock.show_lock(self.tr("登录已超时或已失效，请输入密码重新登录（未发送的办理记录会保留）"))

    def unlock(self, auth: AuthService, session: StaffSession) -> Callable[[str], None]:
        """The screen lock's unlock: the stored verifier, then (when the token was refused) the new sign-in.
        Runs on the lock's worker thread, so it touches no widget: plain attributes and the loop's wake only."""
        def unlock(password: str) -> None:
            auth.unlock(session, password)
            if self.refused():
                self.sync.staff_login = auth.online_sign_in(session.username, password)
                self.wake()
        return unlock
