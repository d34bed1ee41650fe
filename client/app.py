"""`python -m client [--server URL] [--data-dir DIR] [--demo]`: the login window first (shown at once; the
cache opens and migrates meanwhile, off the GUI thread), then the main window of the user's role, the
workstation's devices and the background sync loop."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from gui.ops import Ops
from gui.app import application
from gui.qt import QApplication, QMessageBox, QTimer
from client.services.auth import AuthService, StaffSession
from client.services.offline_logins import OfflineLoginStore
from client.services.workstation import load_workstation
from shared.protocol.endpoint import DEFAULT_SERVER_URL
from client.widgets.style import STYLESHEET
from client.windows.login import LoginDialog

DEFAULT_DATA_DIR = Path.home() / ".govhall" / "client"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m client", description="GovHall 政务服务中心桌面客户端")
    parser.add_argument("--server", help=f"server URL (default: workstation.toml, else {DEFAULT_SERVER_URL})")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("GOVHALL_CLIENT_DIR", DEFAULT_DATA_DIR)))
    parser.add_argument("--demo", action="store_true", help="fill an empty cache with the demo hall and catalogue")
    return parser.parse_args(argv)


def open_workstation_cache(path: Path, demo: bool):  # noqa: ANN201
    """Runs on the write worker: migrate (with backup) and, for demos, load the demo reference data."""
    from shared.db.cache import open_cache
    engine = open_cache(path)
    if demo:
        from sqlalchemy.orm import Session
        from shared.demo.loader import load_demo
        from shared.demo.published import publish_demo_definitions
        with Session(engine) as session:
            load_demo(session)
            session.commit()
        publish_demo_definitions(engine)  # what the server would publish: no server in a demo
    return engine


class ClientApp:
    def __init__(self, args: argparse.Namespace, app: QApplication) -> None:
        self.args, self.app = args, app
        self.ops = Ops()
        self.workstation = load_workstation(args.data_dir, args.server)
        self.engine = None
        self.window = self.devices = self.loop = None
        auth = AuthService(self.workstation.server_url, OfflineLoginStore(args.data_dir / "offline_logins.json"),
                           device_id=self.workstation.device_id)
        self.login = LoginDialog(auth, self.ops)
        self.login.sig_logged_in.connect(self.signed_in)
        self.ops.write(self._open_cache, on_error=self._fatal)

    def _open_cache(self):  # noqa: ANN202
        """On the write worker; the build after login is queued behind it on the same worker."""
        self.engine = open_workstation_cache(self.workstation.cache_path, self.args.demo)
        return self.engine

    def signed_in(self, session: StaffSession) -> None:
        from client.services.context import build_services
        # On the write worker, so it runs after the cache has opened (the worker takes jobs in order).
        self.ops.write(lambda: build_services(self.workstation, session, self.engine), on_done=self._open_main,
                       on_error=self._fatal)

    def _open_main(self, services) -> None:  # noqa: ANN001
        from client.devices import Devices
        from client.windows.main_window import MainWindow
        from shared.sync.loop import SyncLoop
        self.devices = Devices(self.workstation.devices)
        self.window = MainWindow(services, self.ops, self.devices)
        self.window.resize(1600, 960)
        self.window.showMaximized()
        self.devices.start()
        if services.registered:
            self.loop = SyncLoop(services.sync)
            self.loop.start()

    def _fatal(self, error: Exception) -> None:
        QMessageBox.critical(None, "GovHall", f"无法启动：{error}")
        self.app.exit(1)

    def shutdown(self) -> None:
        if self.loop is not None:
            self.loop.stop(2)
        if self.devices is not None:
            self.devices.stop()
        self.ops.wait(3000)


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    app = application("GovHall Client")
    app.setStyleSheet(STYLESHEET)
    client = ClientApp(args, app)
    client.login.show()
    if os.environ.get("GOVHALL_BENCH") == "login":
        # bench/client.py: the moment the login window is on screen, report and leave.
        QTimer.singleShot(0, lambda: (print(f"login_shown {time.perf_counter() - started:.3f}", flush=True),
                                      app.exit(0)))
    code = app.exec()
    client.shutdown()
    return code
