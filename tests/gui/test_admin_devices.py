"""设备管理 against a live server: the admin registers a dispenser on the page, saves its config, and a kiosk
built from that file (the same objects `python -m kiosk` builds) pulls its hall from the server and then shows
as seen in the list; a kind that stands at a window gets one; a bad server address is refused in Chinese;
rotating hands over a new config file and revoking locks the device out."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode

from client.services.device_handover import qr_png
from client.workspaces.admin.workspace import AdminWorkspace
from gui.qt import QApplication
from kiosk.app import Kiosk
from kiosk.config import load as load_kiosk_config
from tests.gui.admin_device_steps import register_device, register_dispenser
from tests.gui.client_support import open_window, shoot
from tests.gui.test_admin_workspace import _admin_services
from shared.sync.transport import HttpTransport


def _workspace(qtbot, server_url, database, tmp_path):  # noqa: ANN001, ANN202
    services = _admin_services(tmp_path, server_url, database)
    window, ops, _ = open_window(qtbot, services)
    assert isinstance(window.workspace, AdminWorkspace)
    return window, ops, window.workspace


def _row(page, name: str) -> list[str]:  # noqa: ANN001
    for r in range(page.table.rowCount()):
        if page.table.item(r, 1).text() == name:
            return [page.table.item(r, c).text() for c in range(page.table.columnCount())]
    raise AssertionError(f"{name} not listed: {[page.table.item(r, 1).text() for r in range(page.table.rowCount())]}")


def test_a_dispenser_registered_on_the_page_starts_from_its_saved_config(qtbot, server_url, sqlite_database,
                                                                        tmp_path, screenshot) -> None:  # noqa: ANN001
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    path = register_dispenser(qtbot, workspace, tmp_path / "handover", name="一楼取号机")
    assert path.name == "dispenser.toml" and stat.S_IMODE(path.stat().st_mode) == 0o600
    page = workspace.page("设备管理")
    assert page.register.qr.pixmap().isNull()  # the file holds the token: never shown as a QR code
    assert "python -m kiosk --mode dispenser --config" in page.register.result.text()
    qtbot.waitUntil(lambda: any(d["name"] == "一楼取号机" for d in page.devices), timeout=10000)
    assert _row(page, "一楼取号机")[3] == "从未"  # registered, not yet connected

    config = load_kiosk_config(path, "dispenser")
    config.cache = tmp_path / "kiosk-cache.sqlite3"
    assert (config.server, config.hall, config.device_id) == (server_url, "DG-HALL-1",
                                                             page.register.handover.device_id)
    kiosk = Kiosk(config, QApplication.instance())  # an empty cache: its hall comes from the server with the first pull
    try:
        assert kiosk.registered and kiosk.directory.hall_name
        assert kiosk.directory.entries and kiosk.directory.windows  # the hall came from the server
    finally:
        kiosk.window.close()
        kiosk.ops.wait()
        kiosk.devices.stop()  # built, never started: this takes its scan filter off the application
        kiosk.sync.transport.close() if isinstance(kiosk.sync.transport, HttpTransport) else None
    page.refresh()
    qtbot.waitUntil(lambda: _row(page, "一楼取号机")[3] != "从未", timeout=10000)  # it has been seen
    row = _row(page, "一楼取号机")
    assert row[0] == "取号机" and row[7] == "有效"
    shoot(qtbot, screenshot, window, "admin-devices")
    ops.wait()


def test_the_kiosk_program_started_with_the_saved_file_pulls_its_hall(qtbot, server_url, sqlite_database,
                                                                      tmp_path) -> None:  # noqa: ANN001
    """A separate `python -m kiosk` process, as the installer starts it on the device: an empty cache, only the
    handed-over file — it pulls its hall from the server and its first screen comes up."""
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    path = register_dispenser(qtbot, workspace, tmp_path / "device", name="进程取号机")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    started = subprocess.run([sys.executable, "-m", "kiosk", "--mode", "dispenser", "--config", str(path),
                              "--cache", str(tmp_path / "device" / "cache.sqlite3"), "--exit-when-ready",
                              "--at", "2026-11-23T10:00"],  # a working morning, whatever the wall clock says
                             cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert "kiosk ready" in started.stdout, started.stderr[-1500:]
    page = workspace.page("设备管理")
    page.refresh()
    qtbot.waitUntil(lambda: any(d["name"] == "进程取号机" and d["last_seen_at"] for d in page.devices),
                    timeout=10000)
    ops.wait()


def test_a_window_kind_gets_its_window_and_bad_input_is_refused_in_chinese(qtbot, server_url, sqlite_database,
                                                                          tmp_path) -> None:  # noqa: ANN001
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    path = register_device(qtbot, workspace, tmp_path, "evaluator", window=2, name="2号评价器")
    config = load_kiosk_config(path, "evaluator")
    assert config.window == 2 and config.token
    panel = workspace.page("设备管理").register
    panel.select_kind("display")
    assert not panel.window_box.isEnabled()  # a display stands at no window
    panel.server_edit.setText("ftp://nowhere")
    with qtbot.waitSignal(panel.sig_registered, timeout=10000) as refused:
        panel.register_button.click()
    assert refused.args[0].code == "server_url_invalid"
    assert "服务器地址有误" in panel.result.text() and panel.register_button.isEnabled()
    ops.wait()


def test_rotating_hands_over_a_new_config_file_and_revoking_locks_the_device_out(qtbot, server_url, sqlite_database,
                                                                                tmp_path, monkeypatch,
                                                                                screenshot) -> None:  # noqa: ANN001
    """更换令牌 answers the device's whole new config file (not a bare token to paste in): saved 0600, the
    kiosk program started with it pulls its hall, and the old file's token is refused."""
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    path = register_dispenser(qtbot, workspace, tmp_path, name="待更换取号机")
    old = load_kiosk_config(path, "dispenser")
    page = workspace.page("设备管理")
    qtbot.waitUntil(lambda: any(d["name"] == "待更换取号机" for d in page.devices), timeout=10000)
    monkeypatch.setattr(page, "confirm", lambda text: True)
    page.table.selectRow(next(i for i, d in enumerate(page.devices) if d["name"] == "待更换取号机"))
    with qtbot.waitSignal(page.register.sig_registered, timeout=10000) as rotated:
        page.rotate_selected()
    assert rotated.args[0].device_id == old.device_id and rotated.args[0].file_name == "dispenser.toml"
    assert "已为 待更换取号机 更换令牌" in page.register.result.text() and "dispenser.toml" in page.register.result.text()
    assert page.register.qr.pixmap().isNull()  # the file holds the token: never shown as a QR code
    assert page.register.save_button.isEnabled()
    shoot(qtbot, screenshot, window, "admin-devices-rotated")
    saved = page.register.save_to(tmp_path / "rotated" / "dispenser.toml")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "python -m kiosk --mode dispenser --config" in page.register.result.text()
    new = load_kiosk_config(saved, "dispenser")
    assert (new.device_id, new.hall, new.server, new.ticket_key) == (old.device_id, old.hall, old.server,
                                                                      old.ticket_key)
    assert new.token and new.token != old.token
    transport = HttpTransport(server_url)
    pull = lambda token: transport.request("GET", "/api/v1/sync/pull",  # noqa: E731
                                           headers={"Authorization": f"Bearer {token}"}).status
    assert pull(old.token) == 401
    root = Path(__file__).resolve().parents[2]  # the device program, started with the new file only
    started = subprocess.run([sys.executable, "-m", "kiosk", "--mode", "dispenser", "--config", str(saved),
                              "--cache", str(tmp_path / "rotated" / "cache.sqlite3"), "--exit-when-ready",
                              "--at", "2026-11-23T10:00"],
                             cwd=root, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)},
                             capture_output=True, text=True, timeout=120)
    assert "kiosk ready" in started.stdout, started.stderr[-1500:]
    qtbot.waitUntil(lambda: bool(page.devices), timeout=10000)
    page.table.selectRow(next(i for i, d in enumerate(page.devices) if d["name"] == "待更换取号机"))
    page.revoke_selected()
    qtbot.waitUntil(lambda: _row(page, "待更换取号机")[7] == "已吊销", timeout=10000)
    assert pull(new.token) == 401
    transport.close()
    ops.wait()


def test_a_qr_code_reads_back_as_its_text(tmp_path) -> None:  # noqa: ANN001
    text = 'GOVHALL-REG:{"v":1,"server":"http://10.0.0.5:8765","hall":"DG-HALL-1","kind":"dispenser","code":"' \
           + "c" * 32 + '","名":"东莞"}'
    image = Image.open(io.BytesIO(qr_png(text)))
    assert decode(image)[0].data.decode("utf-8") == text  # what a scanner on the device reads


def test_faults_are_named_as_the_supervisors_banner_names_them() -> None:
    from client.workspaces.admin.devices import faults_text
    faults = [{"part": "printer", "code": "printer_paper_out", "since": "2027-03-01T09:00:00+08:00"},
              {"part": "idcard", "code": "device_unavailable", "since": "2027-03-01T09:01:00+08:00"}]
    assert faults_text(faults) == "打印机缺纸；身份证阅读器未连接"
    assert faults_text([]) == "—"


def test_a_new_kiosk_registers_itself_by_scanning_the_pages_qr_code(qtbot, server_url, sqlite_database, tmp_path,
                                                                    screenshot) -> None:  # noqa: ANN001
    """扫码登记 end to end: the admin makes a registration code on the page; a new dispenser started with
    `python -m kiosk … --enrol` and a config naming only its scanner reads the QR code (what the page shows,
    decoded from its pixels) from the scanner simulator, registers itself, writes its credentials into the file,
    pulls its hall and comes up. The same code scanned again is refused."""
    from drivers.sim.host import SimHost
    from drivers.sim.scanner import ScannerSimulator
    from tests.gui.test_kiosk_enrol_screen import _line
    from gui.qt import QBuffer, QByteArray, QIODevice
    window, ops, workspace = _workspace(qtbot, server_url, sqlite_database, tmp_path)
    page = workspace.page("设备管理")
    qtbot.waitUntil(lambda: page.hall() is not None, timeout=15000)
    panel = page.register
    panel.select_kind("dispenser")
    panel.name_edit.setText("扫码取号机")
    with qtbot.waitSignal(panel.sig_registered, timeout=15000) as made:
        panel.code_button.click()
    assert isinstance(made.args[0], dict), made.args[0]
    assert "token" not in panel.qr_text and "只能使用一次" in panel.result.text()
    shoot(qtbot, screenshot, window, "admin-devices-registration-qr")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    panel.qr.pixmap().toImage().save(buffer, "PNG")
    scanned = decode(Image.open(io.BytesIO(bytes(data))))[0].data.decode("utf-8")
    assert scanned == panel.qr_text  # the page's QR code reads back as the code

    scanner = ScannerSimulator()
    host = SimHost(scanner, kind="tcp").start()
    config = tmp_path / "device" / "dispenser.toml"
    config.parent.mkdir()
    config.write_text(f'[scanner]\nport = "{host.url}"\n', encoding="utf-8")  # only its devices
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "kiosk", "--mode", "dispenser", "--config", str(config), "--enrol",
               "--cache", str(tmp_path / "device" / "cache.sqlite3"), "--exit-when-ready", "--at", "2026-11-23T10:00"]
    kiosk = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # logged once its reader has the scanner's port open (正在连接扫码器 before): a scan from now on is read
        waiting = _line(kiosk, "请扫描管理员的设备登记二维码")
        scanner.scan("GOVHALL-ID:not a registration code")
        # each scan is answered on the screen (and in the log) before the next
        refused = _line(kiosk, "这不是设备登记二维码")
        scanner.scan(scanned)
        try:
            out, err = kiosk.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            out, err = kiosk.communicate()
            raise AssertionError("the kiosk did not come up:\n" + waiting + refused + out + err[-3000:]) from None
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
        host.stop()
    assert "已登记" in out and "kiosk ready" in out, out + err[-1500:]
    written = load_kiosk_config(config, "dispenser")
    assert written.device_id and written.token and written.hall == "DG-HALL-1" and written.server == server_url
    assert written.devices["scanner"].port == host.url  # its own device sections are kept
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    page.refresh()
    qtbot.waitUntil(lambda: any(d["name"] == "扫码取号机" and d["last_seen_at"] for d in page.devices),
                    timeout=10000)
    from kiosk.enrol import EnrolFailed, redeem
    try:
        redeem(scanned, "dispenser")
        raise AssertionError("a used code registered a second device")
    except EnrolFailed as exc:
        assert exc.code == "registration_code_used"
    ops.wait()
