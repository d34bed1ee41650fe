"""The README's run command (`installers/dev.sh run`): migrate the embedded SQLite database, load the demo hall
and catalogue, start the server, and — when there is a screen — the clerk client and a dispenser kiosk.
Says clearly what it started; Ctrl+C stops everything it started."""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from shared.protocol.endpoint import DEFAULT_PORT

ROOT = Path(__file__).resolve().parent.parent


def _has_screen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":
        return False
    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}; see the messages above")
        try:
            return requests.get(f"{url}/healthz", timeout=1).json()
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url}/healthz within {timeout:.0f} s")


def _demo_keys(data_dir: Path) -> dict[str, str]:
    """Personal data is sealed with SM4-GCM; the server refuses to take ID numbers without keys. A real
    deployment sets GOVHALL_PII_KEYS / GOVHALL_PII_INDEX_KEY; the demo makes its own once, kept beside its data."""
    if os.environ.get("GOVHALL_PII_KEYS") and os.environ.get("GOVHALL_PII_INDEX_KEY"):
        return {}
    path = data_dir / "demo-keys.env"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(f"GOVHALL_PII_KEYS=demo1:{secrets.token_hex(16)}\n"
                        f"GOVHALL_PII_INDEX_KEY={secrets.token_hex(32)}\n", encoding="utf-8")
        path.chmod(0o600)
        print(f"generated demo keys for personal data in {path} (set GOVHALL_PII_KEYS in production)")
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installers/dev.sh run", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("GOVHALL_PORT", DEFAULT_PORT)))
    parser.add_argument("--data-dir", default=os.environ.get("GOVHALL_DATA_DIR", str(ROOT / "data")))
    parser.add_argument("--check", action="store_true",
                        help="start, verify /healthz and the demo catalogue, then stop (for scripts)")
    args = parser.parse_args(argv)

    env = dict(os.environ, GOVHALL_DATA_DIR=args.data_dir, GOVHALL_PORT=str(args.port))
    env.update(_demo_keys(Path(args.data_dir)))
    py = sys.executable
    subprocess.run([py, "-m", "server", "load-demo"], env=env, check=True, cwd=ROOT)
    url = f"http://127.0.0.1:{args.port}"
    started: list[tuple[str, subprocess.Popen]] = []
    server = subprocess.Popen([py, "-m", "server", "serve", "--port", str(args.port)], env=env, cwd=ROOT)
    started.append(("server", server))
    try:
        health = _wait_healthy(url, server)
        items = requests.get(f"{url}/api/v1/catalogue/items", timeout=5).json()
        print(f"\nGovHall server: {url}  (database: {health['database']}, data: {args.data_dir})")
        print(f"  demo catalogue: {len(items)} items; API docs: {url}/docs")
        print("  demo users: clerk / approver / supervisor / admin, password GovHall@2026")
        if args.check:
            return 0
        guis = [(name, module, extra) for name, module, extra in
                (("clerk client", "client", []),
                 ("dispenser kiosk", "kiosk", ["--mode", "dispenser", "--demo", "--windowed"]))
                if importlib.util.find_spec(f"{module}.__main__") is not None]
        if not _has_screen():
            print("  no screen found (DISPLAY/WAYLAND_DISPLAY unset): running the server alone")
        elif not guis:
            print("  the desktop client and kiosk are not built yet: running the server alone")
        for name, module, extra in guis if _has_screen() else []:
            started.append((name, subprocess.Popen([py, "-m", module, "--server", url, *extra], env=env, cwd=ROOT)))
            print(f"  started the {name}")
        print("Press Ctrl+C to stop.\n")
        while server.poll() is None:
            time.sleep(0.5)
        return server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        for name, process in reversed(started):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
