"""Keypad-only login: staff number digits + PIN typed on a vendor-style calling keypad (simulated, through the
workstation's devices) sign in online against a real server, and offline from the PIN verifier the workstation
kept; the dialog shows the digits as they arrive, the PIN masked."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from client.devices import Devices
from client.services.auth import AuthService
from client.services.offline_logins import OfflineLoginStore, OfflinePolicy
from client.windows.login import LoginDialog
from drivers.config import DeviceSettings
from drivers.sim.protocol_sim import model_for
from gui.ops import Ops


@pytest.fixture
def keypad(qtbot):  # noqa: ANN001
    url = f"sim://keypad?address=3&protocol=wireless-15key&t={uuid.uuid4().hex[:8]}"
    devices = Devices({"keypad": DeviceSettings("keypad", port=url, options={"protocol": "wireless-15key"})})
    devices.start()
    yield devices.keypad, model_for(url)
    devices.stop()


def _auth(url: str, tmp_path: Path) -> AuthService:
    fast = OfflinePolicy(iterations=1000)
    return AuthService(url, OfflineLoginStore(tmp_path / "logins.json", fast),
                       pins=OfflineLoginStore(tmp_path / "pins.json", fast, wrong_code="offline_wrong_pin"))


def _dialog(qtbot, auth: AuthService, adapter) -> LoginDialog:  # noqa: ANN001
    ops = Ops()
    dialog = LoginDialog(auth, ops, hall_name="市民服务中心一号大厅", keypad=adapter)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_keypad_login_online_then_offline(qtbot, server_url, dead_url, tmp_path, keypad, screenshot):  # noqa: ANN001
    adapter, pad = keypad
    auth = _auth(server_url, tmp_path)
    session = auth.login("clerk", "GovHall@2026")
    auth.set_pin(session, "GovHall@2026", "2468")  # client settings, after a password login

    dialog = _dialog(qtbot, auth, adapter)
    pad.type_digits("0101")  # DG0101's digits, 确认
    pad.type_digits("24", enter=False)
    qtbot.waitUntil(lambda: dialog.keypad_login.pin.text().startswith("●●"))
    assert dialog.keypad_login.staff.text() == "0101" and "2" not in dialog.keypad_login.pin.text()
    qtbot.waitUntil(lambda: pad.lcd is not None and pad.lcd.current == "**")  # the keypad's display, masked
    screenshot(dialog, "client/login-keypad")
    with qtbot.waitSignal(dialog.sig_logged_in, timeout=8000) as blocker:
        pad.type_digits("68")
    assert blocker.args[0].display_name == "王晓敏" and not blocker.args[0].offline
    dialog.close()

    offline = _dialog(qtbot, _auth(dead_url, tmp_path), adapter)  # the same workstation, server unreachable
    pad.type_digits("0101")
    pad.type_digits("1357")  # wrong PIN
    qtbot.waitUntil(lambda: "工号或 PIN 错误" in offline.message.text(), timeout=8000)
    assert offline.keypad_login.staff.text().strip("▏") == ""  # cleared for the next try
    with qtbot.waitSignal(offline.sig_logged_in, timeout=8000) as blocker:
        pad.type_digits("0101")
        pad.type_digits("2468")
    assert blocker.args[0].offline and blocker.args[0].username == "clerk"


def test_wrong_staff_number_online_and_the_clear_key(qtbot, server_url, tmp_path, keypad):  # noqa: ANN001
    adapter, pad = keypad
    auth = _auth(server_url, tmp_path)
    auth.set_pin(auth.login("clerk", "GovHall@2026"), "GovHall@2026", "2468")
    dialog = _dialog(qtbot, auth, adapter)
    pad.type_digits("77", enter=False)
    qtbot.waitUntil(lambda: dialog.keypad_login.staff.text().startswith("77"))
    sent = len(pad.sent)
    pad.send_raw(b"\xAA\x03\x0F\x12\x55")  # a key this keypad's description does not have: ignored
    qtbot.wait(200)
    assert dialog.keypad_login.staff.text().startswith("77") and len(pad.sent) == sent + 1
    pad.type_digits("991")  # 77991: nobody's staff number
    pad.type_digits("2468")
    qtbot.waitUntil(lambda: dialog.message.text() == "工号或 PIN 错误", timeout=8000)
    assert dialog.isVisible() and dialog.keypad_login.entry.stage == "staff"


def test_set_pin_dialog_sets_the_pin_keypad_login_then_accepts(qtbot, server_url, tmp_path, keypad):  # noqa: ANN001
    from client.dialogs.staff_pin import SetPinDialog

    adapter, pad = keypad
    auth = _auth(server_url, tmp_path)
    session = auth.login("clerk", "GovHall@2026")
    dialog = SetPinDialog(auth, session, Ops())
    qtbot.addWidget(dialog)
    dialog.show()
    assert "工号数字 0101" in dialog.hint.text()  # which digits to type for the staff number
    qtbot.keyClicks(dialog.password, "GovHall@2026")
    qtbot.keyClicks(dialog.pin, "1357")
    qtbot.keyClicks(dialog.again, "1375")
    dialog.buttons.accepted.emit()
    assert dialog.message.text() == "两次输入的 PIN 不一致"
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, "1357")
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "wrong")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.message.text() == "密码错误", timeout=8000)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "GovHall@2026")
    with qtbot.waitSignal(dialog.accepted, timeout=8000):
        dialog.buttons.accepted.emit()

    login = _dialog(qtbot, auth, adapter)
    with qtbot.waitSignal(login.sig_logged_in, timeout=8000):
        pad.type_digits("0101")
        pad.type_digits("1357")
