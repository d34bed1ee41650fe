"""手机号取号 and a 粤省事码 in the real dispenser program: the server, the printer, scanner and provincial
gateway simulators and `python -m kiosk --mode dispenser` each their own process on Xvfb, the dispenser
provisioned through the admin API with an [identity_code] section; xdotool taps 手机号取号, the digits and 确认
on the keypad and a business; the printer simulator prints the masked phone; the scanner simulator shows a
粤省事码 and the dispenser asks its holder for a business. Screenshots: tests/screenshots/acceptance-phone/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from installers.demo import _demo_keys, parse_at
from installers.hall import HALL, Hall, pinned_clock_env, start_xvfb
from installers.journey import Screen, printed_tickets
from tests.acceptance.test_whole_hall import NEEDS, _env, _free_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots" / "acceptance-phone"
APP_ID, APP_KEY = "dg-hall-1", "5a" * 16

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(any(shutil.which(t) is None for t in NEEDS) and os.environ.get("CI") != "true",
                                 reason="needs Xvfb, xdotool and imagemagick (installers/dev.sh setup as root)")]


def shoot(screen: Screen, stage: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / f"{stage}.png"
    wid = screen.windows("dispenser")[-1]
    subprocess.run(["import", "-window", wid, str(out)], env=screen.env, capture_output=True, timeout=30)
    return out


def button(screen: Screen, text: str) -> dict:
    return screen.wait(f"the button {text}", lambda: screen.find(
        "dispenser", lambda w: w["class"] == "QPushButton" and w.get("text") == text), 30)


def title(screen: Screen, start: str) -> dict:
    return screen.wait(f"a title starting {start}", lambda: screen.find(
        "dispenser", lambda w: w.get("name") == "title" and w.get("text", "").startswith(start)), 40)


def test_phone_ticket_and_yss_code_in_the_real_dispenser(tmp_path: Path) -> None:
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    data = tmp_path / "data"
    port = _free_port()
    env = {**_env(tmp_path), "GOVHALL_DATA_DIR": str(data), "GOVHALL_PORT": str(port), "GOVHALL_DEMO_MODE": "1"}
    env.update(_demo_keys(data))
    hall = Hall(data, port, env, pinned_clock_env(parse_at("2026-12-07 10:00")), probes=True)
    xvfb, display = start_xvfb("1400x2100x24")
    try:
        hall.base_env["DISPLAY"] = display
        hall.base_env.pop("QT_QPA_PLATFORM", None)
        hall.load_demo()
        hall.start_server()
        p = hall.paths
        printer = hall.spawn("sim-printer", ["-m", "drivers.sim", "printer", "--tcp", "0", "--capture",
                                             str(p.printed)], pinned=False)
        printer_port = int(hall._listening(printer).rsplit(":", 1)[1])
        hall._listening(hall.spawn("sim-scanner", ["-m", "drivers.sim", "scanner", "--pty", "--link",
                                                   str(p.pty("scanner")), "--stdin"], stdin=hall._pipe("scanner"),
                                   pinned=False))
        # on the hall's clock: requests are timed
        gateway = hall.spawn("sim-identity", ["-m", "kiosk.identity.sim", "--app-id", APP_ID, "--app-key", APP_KEY,
                                              "--port", "0", "--person", "11010519491231002X,王小明"])
        gateway_url = hall._listening(gateway)
        code, gateway_key, finished = None, "", False
        deadline = time.monotonic() + 20
        while code is None and time.monotonic() < deadline:
            for line in gateway.log.read_text(encoding="utf-8").splitlines():
                if line.startswith("code for "):
                    code = line.rsplit(" ", 1)[1]
                elif line.startswith("answer public key: "):  # the dispenser checks the gateway's answers with it
                    gateway_key = line.rsplit(" ", 1)[1]
            time.sleep(0.1)
        assert code and code.startswith("YSS:"), gateway.log.read_text(encoding="utf-8")
        config = hall.provision("dispenser", "dispenser", None, {
            "printer": {"transport": "network", "host": "127.0.0.1", "port": printer_port},
            "scanner": {"port": str(p.pty("scanner"))},
            "identity_code": {"gateway": gateway_url, "app_id": APP_ID, "app_key": APP_KEY,
                              "gateway_public_key": gateway_key, "timeout": 3}})
        assert "[identity_code]" in config.read_text(encoding="utf-8") and HALL
        hall.spawn("dispenser", ["-m", "kiosk", "--mode", "dispenser", "--config", str(config), "--cache",
                                 str(p.devices / "dispenser.sqlite3"), "--windowed"],
                   extra_env=hall._probe_env("dispenser"))
        screen = Screen(hall, display, SHOTS)
        title(screen, "请选择办理业务")
        for wid in screen.windows("dispenser"):
            screen.xdo("windowsize", "--sync", wid, "1080", "1920")
            screen.xdo("windowmove", "--sync", wid, "0", "0")
        time.sleep(1.0)
        shoot(screen, "01-home")
        screen.click(button(screen, "手机号取号"))
        title(screen, "手机号取号")
        screen.click(button(screen, "1"))
        screen.click(button(screen, "2"))
        screen.click(button(screen, "确认"))
        screen.wait("the keypad's message", lambda: screen.find(
            "dispenser", lambda w: w.get("name") == "phone_error" and w.get("text") == "手机号码应为11位"), 20)
        shoot(screen, "02-keypad-invalid")
        screen.click(button(screen, "清空"))
        for digit in "13812341234":
            screen.click(button(screen, digit))
        screen.wait("the number typed", lambda: screen.find(
            "dispenser", lambda w: w.get("name") == "phone_number" and w.get("text") == "138 1234 1234"), 20)
        shoot(screen, "03-keypad-valid")
        screen.click(button(screen, "确认"))
        title(screen, "手机 138****1234")
        tile = screen.wait("a business tile", lambda: screen.find(
            "dispenser", lambda w: w["class"] == "BusinessTile" or "特种设备使用登记" in str(w.get("text", ""))), 20)
        screen.click(tile)
        tickets = screen.wait("the printed ticket", lambda: printed_tickets(hall), 30)
        text = p.printed.read_bytes().decode("gb18030", errors="replace")
        assert "手机号码：138****1234" in text and "13812341234" not in text, tickets
        # the ticket's QR code: its phone page on this server (provisioning's follow_url, issue 17)
        assert re.search(rb"https?://[^/\s]+/m/q/[0-9a-f-]{36}", p.printed.read_bytes()), "no follow URL printed"
        screen.wait("the ticket screen", lambda: screen.find(
            "dispenser", lambda w: "138****1234" in str(w.get("text", ""))), 20)
        shoot(screen, "04-ticket")
        cache = p.devices / "dispenser.sqlite3"
        for f in cache.parent.glob(cache.name + "*"):
            assert b"13812341234" not in f.read_bytes(), f.name
        screen.click(button(screen, "完成"))
        title(screen, "请选择办理业务")
        hall.send("scanner", code)  # the 粤省事码 at the scanner → the gateway → like an ID card
        title(screen, "身份证 110105********002X")
        shoot(screen, "05-yss-pick")
        finished = True
    finally:
        try:
            hall.stop()
        finally:
            xvfb.terminate()
            xvfb.wait(10)
    assert finished
