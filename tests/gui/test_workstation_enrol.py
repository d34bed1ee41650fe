"""扫码登记本机: a new workstation (no device credentials) opens on the first-start screen, reads the admin's
registration QR code — from a keyboard-wedge scanner, a serial/network scanner named in workstation.toml, or
pasted — registers through the kiosk's shared code (shared/enrolment.py), writes workstation.toml (owner-only)
and goes on to the login window. Against a live server; once in process and once as `python -m client`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from client.app import ClientApp, parse_args
from client.services.workstation import load_workstation
from client.windows.enrol import EnrolDialog
from gui.qt import QApplication, Qt
from shared.protocol.registration import CODES_PATH
from shared.sync.transport import HttpTransport
from tests.gui.client_support import OPEN_OPS

ROOT = Path(__file__).resolve().parents[2]


def registration_code(server_url: str, kind: str = "clerk", window: int | None = 3) -> str:
    """What 设备管理's 生成扫码登记二维码 asks the server for (the QR code's text)."""
    transport = HttpTransport(server_url)
    try:
        admin = {"username": "admin", "password": "GovHall@2026"}
        login = transport.request("POST", "/api/v1/auth/login", json=admin)
        assert login.status == 200, login.body
        body = {"kind": kind, "hall": "DG-HALL-1", "server": server_url, "name": f"扫码{kind}"}
        if window is not None:
            body["window"] = window
        reply = transport.request("POST", CODES_PATH, json=body,
                                  headers={"Authorization": f"Bearer {login.body['token']}"})
        assert reply.status == 201, reply.body
        return reply.body["qr_text"]
    finally:
        transport.close()


def _section(path: Path, name: str) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")).get(name, {})


def test_first_start_registers_by_the_scanned_code_then_shows_login(qtbot, server_url, tmp_path,  # noqa
                                                                      screenshot):  # noqa: ANN001
    data = tmp_path / "ws"
    data.mkdir()
    (data / "workstation.toml").write_text('[camera]\nsource = "/dev/video7"\n', encoding="utf-8")
    client = ClientApp(parse_args(["--data-dir", str(data)]), QApplication.instance())
    OPEN_OPS.append(client.ops)
    try:
        assert client.login is None and client.enrol is not None  # no credentials: 扫码登记本机 first
        dialog = client.enrol
        qtbot.addWidget(dialog)
        client.show()
        assert dialog.isVisible() and dialog.windowTitle().endswith("扫码登记本机")
        screenshot(dialog, "client/enrol-waiting")

        # Something else on the scanner: named, nothing sent.
        dialog.scanned("GOVHALL-ID:4419001")
        assert "这不是设备登记二维码" in dialog.message.text() and not dialog.busy
        # A code for another kind of device: refused by the shared rule, in Chinese; the text stays.
        dialog.code_edit.setPlainText(registration_code(server_url, "dispenser", None))
        dialog.register_button.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
        assert "不是为工作站生成的" in dialog.message.text(), dialog.message.text()
        assert dialog.code_edit.toPlainText().startswith("GOVHALL-REG:")
        assert dialog.register_button.isEnabled()
        screenshot(dialog, "client/enrol-refused")
        assert not _section(data / "workstation.toml", "workstation")  # nothing written

        # The clerk code typed by a keyboard-wedge scanner (a fast burst of keys ending in Enter).
        code = registration_code(server_url)
        dialog.wedge.clock = lambda: 1.0  # every key of the burst at once, whatever the machine's load
        dialog.code_edit.clear()
        with qtbot.waitSignal(dialog.sig_enrolled, timeout=20000) as enrolled:
            qtbot.keyClicks(dialog.code_edit, code)
            qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
        path = data / "workstation.toml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the token
        section = _section(path, "workstation")
        assert section["device_id"] and section["device_token"] and section["window"] == 3
        assert section["server"] == server_url
        assert _section(path, "camera")["source"] == "/dev/video7"  # the PC's own device sections are kept
        assert enrolled.args[0].registered and client.workstation.registered
        assert enrolled.args[0].window_number == 3
        qtbot.waitUntil(lambda: client.login is not None and client.login.isVisible(), timeout=5000)
        assert not dialog.isVisible() and dialog.wedge is None  # the wedge filter is off the application
        assert load_workstation(data).device_id == section["device_id"]

        # The same code again (another PC, or this one started anew): spent.
        other = EnrolDialog(load_workstation(tmp_path / "other"), client.ops, wedge=False)
        qtbot.addWidget(other)
        other.code_edit.setPlainText(code)
        other.submit_pasted()
        qtbot.waitUntil(lambda: not other.busy, timeout=15000)
        assert "该登记码已使用" in other.message.text(), other.message.text()
        assert not (tmp_path / "other" / "workstation.toml").exists()
    finally:
        client.shutdown()


def test_skipping_registration_goes_to_the_login(qtbot, tmp_path, dead_url):  # noqa: ANN001
    """An admin's PC before its hall exists signs in unregistered."""
    args = parse_args(["--data-dir", str(tmp_path), "--server", dead_url])
    client = ClientApp(args, QApplication.instance())
    OPEN_OPS.append(client.ops)
    try:
        qtbot.addWidget(client.enrol)
        client.show()
        client.enrol.submit_pasted()
        assert "请扫描登记二维码" in client.enrol.message.text()  # nothing pasted yet
        client.enrol.skip_button.click()
        qtbot.waitUntil(lambda: client.login is not None and client.login.isVisible(), timeout=5000)
        assert not client.workstation.registered and not (tmp_path / "workstation.toml").exists()
    finally:
        client.shutdown()


def _probe(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["windows"]
    except (OSError, ValueError, KeyError):
        return []


def test_python_m_client_on_a_new_pc_registers_from_its_scanner(server_url, tmp_path):  # noqa: ANN001
    """The real entry point as its own process: workstation.toml names only a network scanner (the scanner
    simulator); the registration screen comes up, reads the code from the scanner, and the login follows."""
    from drivers.sim.host import SimHost
    from drivers.sim.scanner import ScannerSimulator
    code = registration_code(server_url, "approver", None)
    scanner = ScannerSimulator()
    host = SimHost(scanner, kind="tcp").start()
    data = tmp_path / "ws"
    data.mkdir()
    path = data / "workstation.toml"
    path.write_text(f'[scanner]\nport = "{host.url}"\n', encoding="utf-8")
    probe = tmp_path / "probe.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "GOVHALL_UI_PROBE": str(probe)}
    env.pop("GOVHALL_BENCH", None)
    process = subprocess.Popen([sys.executable, "-m", "client", "--data-dir", str(data)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for(title: str, timeout: float = 60.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            windows = _probe(probe)
            if any(w["title"].endswith(title) for w in windows):
                return windows
            if process.poll() is not None:
                break
            time.sleep(0.2)
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"no window {title!r}: {_probe(probe)}\n{out}\n{err[-3000:]}")

    try:
        windows = wait_for("扫码登记本机")
        assert not any(w["title"].endswith("登录") for w in windows)
        scanner.scan("GOVHALL-ID:not a registration code")
        scanner.scan(code)
        wait_for("登录")
        section = _section(path, "workstation")
        assert section["device_id"] and section["device_token"] and section["server"] == server_url
        assert "window" not in section  # an approver's PC sits at no window
        assert _section(path, "scanner")["port"] == host.url
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        host.stop()


def test_the_device_pages_workstation_code_is_redeemed_by_the_first_start_screen(qtbot, server_url,  # noqa
                                                                                 sqlite_database, tmp_path,
                                                                                 screenshot):  # noqa: ANN001
    """设备管理 makes a code for a 窗口受理工作站 at window 2 and says how a workstation uses it; the code's text,
    pasted into 扫码登记本机, registers the PC at that window."""
    from tests.gui.client_support import shoot
    from tests.gui.test_admin_devices import _workspace
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("设备管理")
    qtbot.waitUntil(lambda: page.hall() is not None, timeout=15000)
    panel = page.register
    panel.select_kind("clerk")
    panel.window_box.setCurrentIndex(panel.window_box.findData(2))
    panel.name_edit.setText("二号窗口工作站")
    with qtbot.waitSignal(panel.sig_registered, timeout=15000):
        panel.code_button.click()
    assert "扫码登记本机" in panel.result.text() and "只能使用一次" in panel.result.text()
    assert "python -m client" in panel.text.toPlainText() and "--enrol" not in panel.text.toPlainText()
    assert panel.qr_text in panel.text.toPlainText()  # to paste, where no scanner is at hand
    shoot(qtbot, screenshot, window, "admin-devices-workstation-code")
    dialog = EnrolDialog(load_workstation(tmp_path / "ws"), ops, wedge=False)
    qtbot.addWidget(dialog)
    dialog.code_edit.setPlainText(panel.qr_text)
    with qtbot.waitSignal(dialog.sig_enrolled, timeout=20000) as enrolled:
        dialog.register_button.click()
    assert enrolled.args[0].window_number == 2 and enrolled.args[0].registered
    page.refresh()
    qtbot.waitUntil(lambda: any(d["name"] == "二号窗口工作站" for d in page.devices), timeout=10000)
    ops.wait()


def test_it_asks_for_a_scan_only_once_its_serial_scanner_is_open(qtbot, tmp_path):  # noqa: ANN001
    """A serial port empties its input when opened: while the [scanner] port is not open yet (here plugged in
    1.5 s after the screen comes up) it says 正在连接扫码枪, and a code scanned the moment it says 等待扫码 is read."""
    from drivers.sim.host import SimHost
    from drivers.sim.scanner import ScannerSimulator
    from gui.ops import Ops
    from gui.qt import QTimer
    from shared.enrolment import EnrolFailed
    from shared.protocol.registration import RegistrationQr
    scanner = ScannerSimulator()
    host = SimHost(scanner, kind="pty").start()
    plugged = tmp_path / "ttyACM-scanner"
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "workstation.toml").write_text(f'[scanner]\nport = "{plugged}"\n', encoding="utf-8")
    redeemed: list[str] = []

    def register(data_dir, payload, server):  # noqa: ANN001, ANN202
        redeemed.append(payload)
        raise EnrolFailed("registration_code_used", "used")
    ops = Ops()
    OPEN_OPS.append(ops)
    dialog = EnrolDialog(load_workstation(tmp_path / "ws"), ops, register=register, wedge=False)
    qtbot.addWidget(dialog)
    dialog.show()
    code = RegistrationQr("https://hall.example.cn", "DG-HALL-1", "clerk", "w" * 32).text()
    try:
        assert dialog.message.text().startswith("正在连接扫码枪")
        QTimer.singleShot(1500, lambda: plugged.symlink_to(host.port))  # the scanner is plugged in
        qtbot.waitUntil(lambda: dialog.message.text() == "等待扫码……", timeout=15000)
        scanner.scan(code)  # at once
        qtbot.waitUntil(lambda: redeemed == [code], timeout=10000)
    finally:
        dialog.stop_scanning()
        ops.wait()
        host.stop()
