"""The README's run command starts a real server on the embedded SQLite default, loads the demo data and
answers /healthz and the catalogue (its --check --server-only mode stops again)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_run_command_serves_health_and_the_demo_catalogue(tmp_path: Path) -> None:
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "installers.demo", "--check", "--server-only", "--port", str(port),
                           "--data-dir", str(tmp_path / "data")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"GovHall server: http://127.0.0.1:{port}" in done.stdout
    assert "demo catalogue: 16 items" in done.stdout
    assert (tmp_path / "data" / "server.sqlite3").exists()
    keys = tmp_path / "data" / "demo-keys.env"
    assert keys.stat().st_mode & 0o077 == 0 and "GOVHALL_PII_KEYS=demo1:" in keys.read_text()
    # a second start on the same data loads nothing new
    again = subprocess.run([sys.executable, "-m", "installers.demo", "--check", "--server-only", "--port", str(port),
                            "--data-dir", str(tmp_path / "data")],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "0 rows created, 0 updated" in again.stdout


def test_server_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    import sqlite3
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOVHALL_DATA_DIR": str(tmp_path)}
    assert subprocess.run([sys.executable, "-m", "server", "migrate"], cwd=ROOT, env=env,
                          capture_output=True, timeout=60).returncode == 0
    with sqlite3.connect(tmp_path / "server.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zzzz'")
    done = subprocess.run([sys.executable, "-m", "server", "migrate"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "newer version" in done.stderr


def test_config_file_settings(tmp_path: Path) -> None:
    config = tmp_path / "govhall.toml"
    config.write_text('port = 9123\nlockout_threshold = 3\n', encoding="utf-8")
    code = ("from server.core.settings import Settings; s = Settings(); "
            "print(s.port, s.lockout_threshold)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "GOVHALL_CONFIG": str(config)})
    assert out.stdout.split() == ["9123", "3"], out.stderr
    config.write_text('port = 9123\nnot_a_setting = 1\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "GOVHALL_CONFIG": str(config)})
    assert out.returncode != 0 and "not_a_setting" in out.stderr


@pytest.mark.slow
def test_python_m_server_without_a_command_serves(tmp_path: Path) -> None:
    """The help says serve is the default: `python -m server --port N` migrates and answers /healthz."""
    import time

    import requests
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOVHALL_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "server", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()["status"] == "ok"
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("python -m server did not answer /healthz")
    finally:
        server.terminate()
        server.wait(20)


def test_every_program_defaults_to_the_same_server() -> None:
    from client.services.workstation import Workstation
    from kiosk.config import KioskConfig
    from server.core.settings import Settings
    settings = Settings(_env_file=None)
    url = f"http://{settings.host}:{settings.port}"
    assert Workstation(data_dir=Path("x")).server_url == url
    assert KioskConfig().server == url
