"""`python -m client`: the login window first, then — after signing in against a real server — the main
window of the user's role over a freshly migrated workstation cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from client.app import ClientApp, parse_args
from gui.qt import QApplication, Qt
from tests.gui.client_support import OPEN_OPS, shoot


def test_login_then_role_workspace(qtbot, server_url, tmp_path, screenshot):  # noqa: ANN001
    args = parse_args(["--server", server_url, "--data-dir", str(tmp_path), "--demo"])
    client = ClientApp(args, QApplication.instance())
    OPEN_OPS.append(client.ops)
    qtbot.addWidget(client.login)
    client.login.show()
    for w, h in ((1920, 1080), (1366, 768)):
        screenshot(client.login, f"client/login-{w}x{h}")  # a dialog: the same at both screen sizes
    qtbot.keyClicks(client.login.username, "approver")
    qtbot.keyClicks(client.login.password, "GovHall@2026")
    qtbot.keyClick(client.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.window is not None, timeout=20000)
    qtbot.addWidget(client.window)
    assert type(client.window.workspace).__name__ == "ApproverWorkspace"
    assert (tmp_path / "cache.sqlite3").exists()
    qtbot.waitUntil(lambda: client.window.workspace.tabs.tabText(0).startswith("待办"))
    shoot(qtbot, screenshot, client.window, "approver-empty")
    client.shutdown()


def test_python_m_client_shows_the_login_window(tmp_path):  # noqa: ANN001
    """A registered workstation opens on the login; a new one (no credentials) on 扫码登记本机."""
    root = Path(__file__).resolve().parents[2]
    registered = tmp_path / "registered"
    registered.mkdir()
    (registered / "workstation.toml").write_text('[workstation]\ndevice_id = "ws-1"\ndevice_token = "t"\n',
                                                 encoding="utf-8")
    for data, first in ((registered, "login_shown"), (tmp_path / "new", "enrol_shown")):
        env = {"GOVHALL_BENCH": "login", "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
               "HOME": str(tmp_path)}
        out = subprocess.run([sys.executable, "-m", "client", "--data-dir", str(data)], cwd=root, timeout=60,
                             env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(first), out.stdout
