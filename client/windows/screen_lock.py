"""The idle screen lock (等保: 登录超时锁定). After `minutes` without keyboard or mouse input the main window is
covered by a lock that only the signed-in member's password lifts — checked against the workstation's stored
verifier, so it works offline too; five wrong tries lock it for a while, as an offline login would. Signing
out from the lock ends the program (the next person signs in afresh).

The check runs off the GUI thread (gui.ops): it hashes the password (PBKDF2, deliberately slow), reads and
writes the verifier file and, after a refused token, may hand the sync client a sign-in; meanwhile the lock
stays painted and answers, its password field and button disabled so one check runs at a time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from client.i18n.errors import error_text
from client.services.auth import StaffSession
from gui.ops import Ops
from gui.qt import (QApplication, QDialog, QEvent, QLabel, QLineEdit, QObject, QPushButton, Qt, QTimer,
                    QVBoxLayout, QWidget, Signal)
from shared.errors import DomainError

log = logging.getLogger(__name__)
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Notes the last input anywhere in the application; `sig_idle` once `minutes` have passed without any."""
    sig_idle = Signal()

    def __init__(self, minutes: float, *, monotonic: Callable[[], float] = time.monotonic,
                 check_ms: int = 5000, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.limit_s, self.monotonic = minutes * 60, monotonic
        self.last_input = monotonic()
        self.paused = False
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(check_ms)

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if event.type() in INPUT_EVENTS:
            self.last_input = self.monotonic()
        return False

    def check(self) -> None:
        if not self.paused and self.monotonic() - self.last_input >= self.limit_s:
            self.paused = True
            self.sig_idle.emit()

    def resume(self) -> None:
        self.last_input, self.paused = self.monotonic(), False

    def stop(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)


class ScreenLock(QDialog):
    """Modal over the main window; it has no close button and Esc does nothing."""
    sig_unlocked = Signal()
    sig_sign_out = Signal()

    def __init__(self, session: StaffSession, unlock: Callable[[str], None], ops: Ops,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.session, self.unlock, self.ops = session, unlock, ops
        self.checking = False
        self.setWindowTitle(self.tr("屏幕已锁定"))
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.setModal(True)
        self.setMinimumWidth(420)
        title = QLabel(self.tr("长时间未操作，屏幕已锁定"))
        title.setStyleSheet("font-weight: bold;")
        who = QLabel(self.tr("{0}（{1}），请输入密码解锁").format(session.display_name, session.username))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.password.returnPressed.connect(self._try)
        self.submit = QPushButton(self.tr("解锁"))
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._try)
        self.sign_out = QPushButton(self.tr("退出登录"))
        self.sign_out.clicked.connect(self.sig_sign_out.emit)
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        for widget in (title, who, self.password, self.submit, self.message, self.sign_out):
            layout.addWidget(widget)

    def _try(self) -> None:
        if self.checking:
            return
        password = self.password.text()
        self.password.clear()
        self._checking(True)
        self.message.setText(self.tr("正在验证密码…"))
        unlock = self.unlock
        self.ops.run(lambda: unlock(password), on_done=self._passed, on_error=self._refused)

    def _checking(self, on: bool) -> None:
        self.checking = on
        self.password.setEnabled(not on)
        self.submit.setEnabled(not on)
        self.message.setStyleSheet("color: #555555;" if on else "color: #b00020;")  # a wait, not an error

    def _passed(self, _result: object) -> None:
        self._checking(False)
        self.message.setText("")
        self.sig_unlocked.emit()
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._checking(False)
        if isinstance(exc, DomainError):
            self.message.setText(error_text(exc.code, exc.message))
        else:  # a fault of the check itself (the verifier file unreadable): still locked, and said so
            log.error("screen unlock failed: %r", exc)
            self.message.setText(self.tr("无法验证密码，请重试或退出登录"))
        self.password.setFocus()

    def reject(self) -> None:  # Esc: stays locked
        pass


class IdleLock(QObject):
    """Watches for idleness and shows the lock over `window`."""

    def __init__(self, window, session: StaffSession, unlock: Callable[[str], None], *,  # noqa: ANN001
                 monotonic: Callable[[], float] = time.monotonic, check_ms: int = 5000,
                 on_sign_out: Callable[[], None] | None = None, ops: Ops | None = None) -> None:
        super().__init__(window)
        self.window, self.session, self.unlock = window, session, unlock
        self.ops = ops or Ops(io_threads=1)  # the unlock check runs here, off the GUI thread
        self.on_sign_out = on_sign_out or QApplication.instance().quit
        self.lock: ScreenLock | None = None
        self.cover: QWidget | None = None
        self.watcher = IdleWatcher(session.idle_lock_minutes, monotonic=monotonic, check_ms=check_ms, parent=self)
        self.watcher.sig_idle.connect(self.show_lock)
        window.installEventFilter(self)  # the cover follows the window: a resize must not uncover the work

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if watched is self.window and event.type() == QEvent.Type.Resize and self.cover is not None:
            self.cover.setGeometry(self.window.rect())
        return False

    def show_lock(self, reason: str = "") -> ScreenLock:
        # The work on screen (an applicant's case, a calling panel) is covered while locked.
        self.cover = QWidget(self.window)
        self.cover.setObjectName("screenLockCover")
        self.cover.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.cover.setStyleSheet("QWidget#screenLockCover { background: #1f2d3d; }")
        self.cover.setGeometry(self.window.rect())
        self.cover.show()
        self.cover.raise_()
        self.lock = ScreenLock(self.session, self.unlock, self.ops, self.window)
        self.lock.sig_unlocked.connect(self._unlocked)
        self.lock.sig_sign_out.connect(self.on_sign_out)
        self.lock.message.setText(reason)
        self.lock.open()
        self.lock.password.setFocus()
        return self.lock

    def _unlocked(self) -> None:
        self.lock = None
        if self.cover is not None:
            self.cover.deleteLater()
            self.cover = None
        self.watcher.resume()
