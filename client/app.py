"""`python -m client [--server URL] [--data-dir DIR] [--demo]`: the login window first (shown at once; the
cache opens and migrates meanwhile, off the GUI thread) — on a new workstation with no device credentials the
first-start screen 扫码登记本机 before it (client/windows/enrol.py) — then the main window of the user's role, the
workstation's devices and the background sync loop."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from gui.ops import Ops
from gui.app import application
from gui.qt import QApplication, QMessageBox, QTimer
from client.services.auth import StaffSession, workstation_auth
from client.services.workstation import load_workstation
from shared.protocol.endpoint import DEFAULT_SERVER_URL
from shared.sync.transport import pinned_session
from client.widgets.style import stylesheet
from client.widgets.type_size import TypeSize, apply_type_size
from client.windows.login import LoginDialog

DEFAULT_DATA_DIR = Path.home() / ".govhall" / "client"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m client", description="GovHall 政务服务中心桌面客户端")
    parser.add_argument("--server", help=f"server URL (default: workstation.toml, else {DEFAULT_SERVER_URL})")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("GOVHALL_CLIENT_DIR", DEFAULT_DATA_DIR)))
    parser.add_argument("--demo", action="store_true", help="fill an empty cache with the demo hall and catalogue")
    parser.add_argument("--wall", action="store_true",
                        help="after a supervisor or leader signs in, show the hall dashboard full screen "
                             "(a wall screen)")
    return parser.parse_args(argv)


def open_workstation_cache(path: Path, demo: bool):  # noqa: ANN201
    """Runs on the write worker: migrate (with backup) and, for demos, load the demo reference data."""
    from shared.db.cache import open_cache
    # immediate: the UI's write worker and the sync loop (woken by every write) queue on the write lock instead
    # of one failing to upgrade a read ("database is locked"), as SyncClient requires.
    engine = open_cache(path, immediate=True)
    if demo:
        from sqlalchemy.orm import Session
        from shared.demo.loader import load_demo
        from shared.demo.published import publish_demo_definitions
        with Session(engine) as session:
            load_demo(session)
            session.commit()
        publish_demo_definitions(engine)  # what the server would publish: no server in a demo
    return engine


def open_main(services, ops: Ops, type_size=None, devices=None):  # noqa: ANN001, ANN201
    """After login: the main window of the user's role, the workstation's devices (started; or those already
    running for keypad login) and the sync loop (started when registered; it wakes on every command queued
    through services.sync). Returns (window, devices, loop or None) — what a benchmark builds too, to measure
    what a counter does."""
    from client.devices import Devices
    from client.windows.main_window import MainWindow
    from shared.sync.loop import SyncLoop
    started = devices is not None
    devices = devices if started else Devices(services.workstation.devices)
    window = MainWindow(services, ops, devices, type_size=type_size)
    if not started:
        devices.start()
    loop = None
    if services.registered:
        loop = SyncLoop(services.sync)
        loop.start()
        if services.attachment_sync is not None:  # uploads and downloads of case files, beside the loop
            services.attachment_sync.start()
    return window, devices, loop


class ClientApp:
    def __init__(self, args: argparse.Namespace, app: QApplication) -> None:
        self.args, self.app = args, app
        self.ops = Ops()
        self.workstation = load_workstation(args.data_dir, args.server)
        self.type_size = TypeSize.load(args.data_dir, self.workstation.large_type)
        apply_type_size(self.type_size)
        self.engine = None
        self.window = self.loop = None
        self.auth = self.login = self.enrol = None
        self.session: StaffSession | None = None
        self.idle_lock = None
        self.devices = None
        self.window_choice = None  # 选择窗口 after a clerk signs in at a workstation with no fixed window
        # The login dialog closes before the main window is built (off the GUI thread): with Qt's default the
        # program would end right there, in between. Until the main window is up, only an explicit quit ends
        # it — closing the first-start or the login dialog without going on is one.
        app.setQuitOnLastWindowClosed(False)
        self.ops.write(self._open_cache, on_error=self._fatal)
        if self.workstation.registered or args.demo:
            self._prepare_login()
        else:  # first start of a new workstation: 扫码登记本机, then the login window
            from client.windows.enrol import EnrolDialog
            self.enrol = EnrolDialog(self.workstation, self.ops, server_url=args.server)
            self.enrol.sig_enrolled.connect(self._enrolled)
            self.enrol.sig_skipped.connect(self._enrolled)
            self.enrol.rejected.connect(app.quit)

    def show(self) -> None:
        """The first window: 扫码登记本机 on a workstation with no credentials, else the login window."""
        (self.login if self.login is not None else self.enrol).show()

    def _enrolled(self, workstation=None) -> None:  # noqa: ANN001  the registered Workstation; None: skipped
        if workstation is not None:
            self.workstation = workstation
        self._prepare_login()
        self.login.show()

    def _prepare_login(self) -> None:
        self.auth = workstation_auth(self.workstation, http=pinned_session(self.workstation.server_ca))
        # The devices run from the start: a counter without a keyboard signs in on its calling keypad.
        from client.devices import Devices
        self.devices = Devices(self.workstation.devices)
        self.devices.start()
        self.login = LoginDialog(self.auth, self.ops, keypad=self.devices.keypad)
        self.login.sig_logged_in.connect(self.signed_in)
        self.login.rejected.connect(self.app.quit)

    def _open_cache(self):  # noqa: ANN202
        """On the write worker; the build after login is queued behind it on the same worker."""
        self.engine = open_workstation_cache(self.workstation.cache_path, self.args.demo)
        return self.engine

    def signed_in(self, session: StaffSession) -> None:
        from client.services.context import build_services
        self.session = session
        # On the write worker, so it runs after the cache has opened (the worker takes jobs in order).
        self.ops.write(lambda: build_services(self.workstation, session, self.engine), on_done=self._open_main,
                       on_error=self._fatal)

    def _open_main(self, services) -> None:  # noqa: ANN001
        """A clerk on a workstation with no fixed window first confirms the window (usual one preselected)."""
        if services.workstation.window_number is None and "clerk" in services.session.roles:
            from client.services.window_choice import window_choice
            sync, reference, username = services.sync, services.reference, services.session.username
            self.ops.run(lambda: window_choice(sync, reference, username, services.clock()),
                         on_done=lambda choice: self._choose_window(services, choice), on_error=self._fatal)
            return
        self._show_main(services)

    def _choose_window(self, services, choice) -> None:  # noqa: ANN001  Services, WindowChoice
        from client.dialogs.window_choice import WindowChoiceDialog
        from client.services.context import seat
        self.window_choice = WindowChoiceDialog(choice, services.session.display_name)

        def chosen(number) -> None:  # noqa: ANN001
            seat(services, number)
        self.window_choice.sig_chosen.connect(chosen)
        # closed without choosing: the window the build proposed (the usual one) stays
        self.window_choice.finished.connect(lambda _result: self._show_main(services))
        self.window_choice.show()

    def _show_main(self, services) -> None:  # noqa: ANN001
        self.window, self.devices, self.loop = open_main(services, self.ops, type_size=self.type_size,
                                                         devices=self.devices)
        self.window.resize(1600, 960)
        self.window.showMaximized()
        dashboard = getattr(self.window.workspace, "dashboard", None)
        if getattr(self.args, "wall", False) and dashboard is not None:
            dashboard.open_wall()  # the main window stays behind it: Esc returns to it
        self.app.setQuitOnLastWindowClosed(True)  # from now on, closing the main window ends the program
        from client.windows.screen_lock import IdleLock
        from client.windows.token_guard import TokenGuard
        session = self.session
        self.idle_lock = IdleLock(self.window, session, lambda password: self.auth.unlock(session, password),
                                  ops=self.ops)
        # A token the server refuses (idle too long, ended) locks the screen; unlocking signs in again.
        # (An unregistered PC — an admin's before the hall exists — has no sync loop to wake.)
        wake = self.loop.wake if self.loop is not None else (lambda: None)
        self.token_guard = TokenGuard(self.idle_lock, services.sync, wake)
        self.idle_lock.unlock = self.token_guard.unlock(self.auth, session)

    def _fatal(self, error: Exception) -> None:
        QMessageBox.critical(None, "GovHall", f"无法启动：{error}")
        self.app.exit(1)

    def shutdown(self) -> None:
        if self.loop is not None:
            self.loop.stop(2)
        services = getattr(self.window, "services", None)
        if services is not None and services.attachment_sync is not None:
            services.attachment_sync.stop(2)
            services.attachments.close()  # the clear copies opened for viewing go
        if self.devices is not None:
            self.devices.stop()
        if self.enrol is not None:
            self.enrol.stop_scanning()
        self.ops.wait(3000)


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    app = application("GovHall Client")
    app.setStyleSheet(stylesheet())  # ClientApp scales it when the workstation uses large type
    client = ClientApp(args, app)
    client.show()
    if os.environ.get("GOVHALL_BENCH") == "login":
        # bench/client.py: the moment the first window (login, or 扫码登记本机 on a new PC) is on screen, report
        # and leave.
        shown = "login_shown" if client.login is not None else "enrol_shown"
        QTimer.singleShot(0, lambda: (print(f"{shown} {time.perf_counter() - started:.3f}", flush=True),
                                      app.exit(0)))
    code = app.exec()
    client.shutdown()
    return code
