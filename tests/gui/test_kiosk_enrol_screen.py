"""扫码登记 on the kiosk's own screen (issue 14): `python -m kiosk --mode dispenser --config FILE --enrol`, started
as a real process with a config naming only its reader, shows a full-screen registration screen; scanned codes
that cannot register it are each refused with their own message (not a registration code, made for a
display screen, already used, expired, server unreachable) and it keeps waiting; the good code registers it and it
comes up as a dispenser. The same from the camera: the QR code the admin page makes, held in front of the
camera simulator (a video file of it). And the screen itself, looked at in its refusal and waiting states."""

from __future__ import annotations

import datetime as dt
import os
import select
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from client.services.device_handover import qr_png
from drivers.sim.host import SimHost
from drivers.sim.scanner import ScannerSimulator
from gui.ops import Ops
from gui.qt import QTimer
from kiosk.config import load as load_kiosk_config
from kiosk.enrol import EnrolFailed, redeem
from kiosk.screens.enrol_screen import EnrolScreen
from server.sync import registration
from shared.protocol.registration import RegistrationQr
from shared.sync.transport import HttpTransport
from tests.gui.client_support import OPEN_OPS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "GovHall@2026"


def _code(server_url: str, kind: str = "dispenser") -> str:
    http = HttpTransport(server_url)
    try:
        token = http.request("POST", "/api/v1/auth/login",
                             json={"username": "admin", "password": PASSWORD}).body["token"]
        reply = http.request("POST", "/api/v1/sync/registration-codes", headers={"Authorization": f"Bearer {token}"},
                             json={"kind": kind, "hall": "DG-HALL-1", "server": server_url, "name": f"扫码{kind}"})
        assert reply.status == 201, reply.body
        return reply.body["qr_text"]
    finally:
        http.close()


def _expired(database, server_url: str, clock) -> str:  # noqa: ANN001
    with database.session() as session:
        qr, _ = registration.make_code(session, kind="dispenser", hall_code="DG-HALL-1", window_number=None,
                                       server_url=server_url, name="过期", created_by="admin",
                                       now=clock() - dt.timedelta(hours=2), valid=dt.timedelta(minutes=30))
        return qr.text()


def _kiosk(config: Path, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "kiosk", "--mode", "dispenser", "--config", str(config), "--enrol",
               "--cache", str(tmp_path / "device" / "cache.sqlite3"), "--exit-when-ready", "--at", "2026-11-23T10:00"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _line(kiosk: subprocess.Popen, wanted: str) -> str:
    """Read the kiosk's log until a line holds `wanted` (each screen text is logged as it is shown)."""
    seen = []
    while True:
        ready, _, _ = select.select([kiosk.stdout], [], [], 60)
        if not ready:
            kiosk.kill()
            raise AssertionError(f"no {wanted!r} within 60 s in {seen}")
        line = kiosk.stdout.readline()
        if not line:
            kiosk.kill()
            raise AssertionError(f"no {wanted!r} in {seen}: {kiosk.stderr.read()[-2000:]}")
        seen.append(line)
        if wanted in line:
            return line


def _finish(kiosk: subprocess.Popen) -> str:
    try:
        out, err = kiosk.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        kiosk.kill()
        out, err = kiosk.communicate()
        raise AssertionError("the kiosk did not come up:\n" + out + err[-3000:]) from None
    assert kiosk.returncode == 0, out + err[-3000:]
    return out


def test_refused_codes_are_named_and_the_good_one_starts_the_kiosk(server_url, sqlite_database, server_clock,
                                                                   dead_url, tmp_path) -> None:  # noqa: ANN001
    used = _code(server_url)
    redeem(used, "dispenser")  # another device took it first
    refusals = [("GOVHALL-ID:not a registration code", "这不是设备登记二维码"),
                (_code(server_url, "display"), "[registration_kind_mismatch]"),
                (used, "[registration_code_used]"),
                (_expired(sqlite_database, server_url, server_clock), "[registration_code_expired]"),
                (RegistrationQr(dead_url, "DG-HALL-1", "dispenser", "z" * 32).text(), "[enrol_server_unreachable]")]
    good = _code(server_url)
    scanner = ScannerSimulator()
    host = SimHost(scanner, kind="tcp").start()
    config = tmp_path / "device" / "dispenser.toml"
    config.parent.mkdir()
    config.write_text(f'[scanner]\nport = "{host.url}"\n', encoding="utf-8")
    kiosk = _kiosk(config, tmp_path)
    try:
        # logged only once its reader has the port open: a code scanned from then on is read
        assert "scanner" in _line(kiosk, "请扫描管理员的设备登记二维码")
        for payload, said in refusals:  # one at a time: each refused, the screen still waiting
            scanner.scan(payload)
            _line(kiosk, said)
        scanner.scan(good)
        out = _finish(kiosk)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
        host.stop()
    assert "已登记" in out and "kiosk ready" in out, out
    written = load_kiosk_config(config, "dispenser")
    assert written.device_id and written.token and written.hall == "DG-HALL-1"
    assert written.devices["scanner"].port == host.url


def _video_of(png: bytes, path: Path) -> Path:
    """The camera simulator: a video file of the QR code as the admin page draws it, on white."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    canvas = np.full((480, 640), 255, np.uint8)
    side = min(400, image.shape[0])
    image = cv2.resize(image, (side, side), interpolation=cv2.INTER_NEAREST)
    y, x = (480 - side) // 2, (640 - side) // 2
    canvas[y:y + side, x:x + side] = image
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480), False)
    assert writer.isOpened()
    for frame in [np.full((480, 640), 255, np.uint8)] * 3 + [canvas] * 8:
        writer.write(frame)
    writer.release()
    return path


def test_a_kiosk_registers_by_its_camera(server_url, sqlite_database, tmp_path) -> None:  # noqa: ANN001
    good = _code(server_url)
    (tmp_path / "device").mkdir()
    video = _video_of(qr_png(good), tmp_path / "device" / "qr.avi")
    config = tmp_path / "device" / "dispenser.toml"
    config.write_text(f'[camera]\nsource = "{video}"\n', encoding="utf-8")  # no line scanner at all
    kiosk = _kiosk(config, tmp_path)
    try:
        assert "camera" in _line(kiosk, "请扫描管理员的设备登记二维码")
        out = _finish(kiosk)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
    assert "已登记" in out and "kiosk ready" in out, out
    assert load_kiosk_config(config, "dispenser").token


def test_the_screen_names_each_refusal(qtbot, tmp_path, screenshot) -> None:  # noqa: ANN001
    config = tmp_path / "dispenser.toml"
    config.write_text('[scanner]\nport = "tcp://127.0.0.1:9"\n', encoding="utf-8")  # never reached here
    outcomes = iter([EnrolFailed("registration_code_expired", "expired"),
                     EnrolFailed("registration_code_used", "used"),
                     EnrolFailed("enrol_server_unreachable", "refused")])

    def redeem_code(payload: str, mode: str) -> str:
        if '"evaluator"' in payload:
            return redeem(payload, mode)  # the shared rule refuses it before any network
        raise next(outcomes)
    ops = Ops()
    OPEN_OPS.append(ops)
    lines: list[str] = []
    screen = EnrolScreen(config, "dispenser", ops, redeem_code=redeem_code, say=lines.append)
    qtbot.addWidget(screen)
    screen.resize(1080, 1920)
    screen.show()
    # not started: its scanner is not open yet, so it does not ask for a scan
    assert screen.instruction.text() == "正在连接扫码器……" and screen.state == "connecting"
    assert "扫码器" in screen.how.text()
    screenshot(screen, "kiosk/enrol-connecting-1080x1920")
    code = RegistrationQr("https://hall.example.cn", "DG-HALL-1", "dispenser", "q" * 32).text()
    for said in ("登记码已过期", "已经使用过", "无法连接登记码所指的服务器"):
        with qtbot.waitSignal(screen.sig_status, timeout=5000, check_params_cb=lambda state, _t: state == "refused"):
            screen.scanned(code)
        assert said in screen.status.text() and "可重新扫描" in screen.status.text()
    screenshot(screen, "kiosk/enrol-refused-1080x1920")
    screen.scanned(RegistrationQr("https://hall.example.cn", "DG-HALL-1", "evaluator", "r" * 32).text())
    qtbot.waitUntil(lambda: "评价器" in screen.status.text(), timeout=5000)
    assert "本机是“取号机”" in screen.status.text()
    screen.resize(1920, 1080)
    screenshot(screen, "kiosk/enrol-kind-1920x1080")
    assert not config.read_text().count("token")  # nothing written on a refusal
    screen.stop()
    ops.wait()


def test_it_asks_for_a_scan_only_once_its_scanner_is_open_and_a_code_scanned_then_is_read(qtbot, tmp_path,
                                                                                         screenshot) -> None:  # noqa: ANN001
    """A serial port empties its input when it is opened: a code scanned while the screen already said 请扫描
    but its reader had not opened the port yet was lost. Here the scanner is plugged in a moment after the
    screen starts (its port appears 1.5 s later): the screen says 正在连接扫码器 until its reader has opened
    the port, and a code scanned the moment it says 请扫描 reaches the server."""
    scanner = ScannerSimulator()
    host = SimHost(scanner, kind="pty").start()  # a pty: what a USB CDC scanner is; emptied on open
    plugged = tmp_path / "ttyACM-scanner"  # the port the config names, absent until plugged in
    config = tmp_path / "dispenser.toml"
    config.write_text(f'[scanner]\nport = "{plugged}"\n', encoding="utf-8")
    redeemed: list[str] = []

    def redeem_code(payload: str, mode: str) -> str:
        redeemed.append(payload)
        raise EnrolFailed("registration_code_used", "used")
    ops = Ops()
    OPEN_OPS.append(ops)
    lines: list[str] = []
    screen = EnrolScreen(config, "dispenser", ops, redeem_code=redeem_code, say=lines.append)
    states: list[str] = []
    screen.sig_status.connect(lambda state, _text: states.append(state))
    qtbot.addWidget(screen)
    screen.resize(1080, 1920)
    screen.show()
    asking = "请扫描设备管理页上的登记二维码"
    code = RegistrationQr("https://hall.example.cn", "DG-HALL-1", "dispenser", "s" * 32).text()
    try:
        screen.start()
        QTimer.singleShot(1500, lambda: plugged.symlink_to(host.port))  # the scanner is plugged in
        qtbot.waitUntil(lambda: screen.instruction.text() == asking, timeout=15000)
        scanner.scan(code)  # at once, as the admin would the moment the screen asks
        qtbot.waitUntil(lambda: redeemed == [code] and "已经使用过" in screen.status.text(), timeout=10000)
    finally:
        screen.stop()
        ops.wait()
        host.stop()
    # while the port was missing it said so and waited; it asked for the scan only after the reader opened it
    assert states[:2] == ["connecting", "waiting"] and plugged.is_symlink()
    assert "正在连接扫码器" in lines[0] and "cannot open" in lines[1] and "请扫描管理员的设备登记二维码" in lines[2]


def test_the_waiting_screen(qtbot, tmp_path, screenshot) -> None:  # noqa: ANN001
    """The screen once its scanner is open, looked at."""
    host = SimHost(ScannerSimulator(), kind="pty").start()
    config = tmp_path / "dispenser.toml"
    config.write_text(f'[scanner]\nport = "{host.port}"\n', encoding="utf-8")
    ops = Ops()
    OPEN_OPS.append(ops)
    screen = EnrolScreen(config, "dispenser", ops, say=lambda _t: None)
    qtbot.addWidget(screen)
    screen.resize(1080, 1920)
    screen.show()
    try:
        screen.start()
        qtbot.waitUntil(lambda: screen.state == "waiting", timeout=10000)
        assert screen.status.text() == "等待扫码……"
        screenshot(screen, "kiosk/enrol-waiting-1080x1920")
    finally:
        screen.stop()
        ops.wait()
        host.stop()
