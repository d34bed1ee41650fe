"""The counter clerk's journey on the real widgets with simulated devices: keypad and F-keys call by the
shared rules (with the reason shown), the GA 467 reader fills the applicant, materials are checked, 受理 prints
an ESC/POS receipt with the case number and a QR code; 补正 and 不予受理 print theirs."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

import pytest

from client.devices import Devices
from gui.qt import Qt
from drivers.config import DeviceSettings
from drivers.keypad.codec import ACTION_KEYS, Key, PadKey
from shared.notices import MissingPlaceholder
from tests.client.support import Clock, grant_case_numbers, publish_row, publish_ticket, services, staff
from tests.gui.client_support import SimDevices, open_window, shoot, shoot_dialog


@pytest.fixture
def sims():
    s = SimDevices()
    yield s
    s.stop()


@pytest.fixture
def clerk(qtbot, tmp_path, sims):  # noqa: ANN001
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 21, 40)
    business = s.desk.window.services[0].business_id
    publish_ticket(s.engine, 1, business, "A001", clock.now - dt.timedelta(minutes=30), seq=1)
    publish_ticket(s.engine, 1, business, "A002", clock.now - dt.timedelta(minutes=20), seq=2, priority_class=2)
    publish_ticket(s.engine, 1, business, "A003", clock.now - dt.timedelta(minutes=10), seq=3)
    window, ops, devices = open_window(qtbot, s, Devices(sims.settings))
    yield window, s, clock, sims
    devices.stop()
    ops.wait()


def _panel(window):  # noqa: ANN001, ANN202
    return window.workspace.calling


def _pick_item(qtbot, acceptance, query: str = "电梯") -> None:  # noqa: ANN001
    acceptance.picker.query.setText(query)
    qtbot.waitUntil(lambda: acceptance.picker.results.count() > 0)
    acceptance.picker.results.setCurrentRow(0)
    acceptance.picker.situations.setCurrentRow(0)
    qtbot.waitUntil(lambda: acceptance.checklist.rowCount() > 0)


def test_call_accept_with_id_card_and_print_receipt(qtbot, clerk, screenshot):  # noqa: ANN001
    window, s, clock, sims = clerk
    panel = _panel(window)
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 3)
    assert "下一位：A002" in panel.why.text() and "绿色通道" in panel.why.text()
    shoot(qtbot, screenshot, window, "clerk-idle")
    qtbot.keyClick(window, Qt.Key.Key_F1)  # 顺呼
    qtbot.waitUntil(lambda: panel.ticket.text() == "A002")
    assert "已呼叫 A002" in panel.message.text()
    qtbot.keyClick(window, Qt.Key.Key_F3)  # 开始办理 → acceptance starts from the ticket
    acceptance = window.workspace.acceptance
    qtbot.waitUntil(lambda: "A002" in acceptance.source.text())
    sims.idcard.present()
    qtbot.waitUntil(lambda: acceptance.form.card is not None, timeout=5000)
    assert acceptance.form.name.text() and len(acceptance.form.identifier.text()) == 18
    assert "已读取身份证" in acceptance.form.source.text()
    _pick_item(qtbot, acceptance)
    assert not acceptance.accept_button.isEnabled()  # required materials not yet received
    for check in acceptance.checklist.checks:
        check.setChecked(True)
    assert acceptance.accept_button.isEnabled()
    shoot(qtbot, screenshot, window, "clerk-acceptance")
    with qtbot.waitSignal(acceptance.sig_printed, timeout=30000) as printed:
        acceptance.accept_button.click()
    assert printed.args[0] is True
    case_no = "SL2026000021"
    assert case_no in acceptance.result.text() and "回执已打印" in acceptance.result.text()
    assert f"{case_no}-acceptance.pdf" in acceptance.result.text()
    pdf = s.workstation.data_dir / "notices" / f"{case_no}-acceptance.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")  # 受理通知书, rendered offline with the shared builder
    job = bytes(sims.printer.job)
    assert case_no.encode() in job and "受理回执".encode("gb18030") in job
    assert b"\x1d\x28\x6b" in job and case_no.encode() in job.split(b"\x1d\x28\x6b")[4]  # QR data = case number
    assert "*" in acceptance.form.identifier.text()  # masked once saved
    shoot(qtbot, screenshot, window, "clerk-accepted")
    qtbot.keyClick(window, Qt.Key.Key_F8)  # 办结 → the evaluator asks for a rating
    qtbot.waitUntil(lambda: panel.ticket.text() == "—")
    publish_row(s.engine, "queue_rating", "r1", {"id": "r1", "hall_id": 1, "ticket_id": "x", "clerk": "clerk",
                                                "window_id": s.desk.window.id, "level": "very_satisfied",
                                                "reason": "", "at": clock.now.isoformat()})
    panel.refresh()
    qtbot.waitUntil(lambda: "非常满意" in panel.rating.text())


def test_keypad_drives_the_calling_panel(qtbot, clerk, screenshot):  # noqa: ANN001
    window, s, clock, sims = clerk
    panel = _panel(window)
    qtbot.waitUntil(lambda: panel.snapshot is not None)
    sims.keypad.press(Key.CALL_NEXT)  # (press_and_wait would block the GUI thread that answers it)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A002")
    qtbot.waitUntil(lambda: sims.keypad.lcd is not None and sims.keypad.lcd.current == "A002")
    assert not sims.keypad.lcd.refused and sims.keypad.lcd.waiting == 2
    sims.keypad.press(Key.CALL_NEXT)  # busy: refused on the LCD, nothing called
    qtbot.waitUntil(lambda: len(sims.keypad.replies) >= 2 and sims.keypad.replies[-1].refused)
    sims.keypad.press(Key.RECALL)
    qtbot.waitUntil(lambda: "已重呼 A002" in panel.message.text())
    sims.keypad.press(Key.HOLD)
    qtbot.waitUntil(lambda: panel.held.count() == 1)
    sims.keypad.press(Key.CALL_SPECIFIC, ticket="A003")
    qtbot.waitUntil(lambda: panel.ticket.text() == "A003")
    assert "特呼 A003" in panel.why.text()
    sims.keypad.press(Key.TRANSFER, target_window=5)  # window 5 serves this business too
    qtbot.waitUntil(lambda: panel.ticket.text() == "—")
    sims.keypad.press(Key.PAUSE)
    qtbot.waitUntil(lambda: panel.snapshot.paused)
    assert not panel.buttons["call_next"].isEnabled()
    shoot(qtbot, screenshot, window, "clerk-paused")


def test_correction_and_rejection_print_their_notices(qtbot, clerk, screenshot):  # noqa: ANN001
    window, s, clock, sims = clerk
    acceptance = window.workspace.acceptance
    acceptance.start("")
    acceptance.form.name.setText("李四")
    qtbot.keyClicks(acceptance.form.identifier, "11010519491231002")
    assert acceptance.form.problem.text()  # validated as typed: 17 characters
    qtbot.keyClicks(acceptance.form.identifier, "X")
    assert acceptance.form.problem.text() == ""
    _pick_item(qtbot, acceptance)
    assert "手工录入" in acceptance.warnings.text()
    dialog = acceptance.do_correction()
    missing = acceptance.application().missing
    assert set(dialog.problems()) == set(missing)  # every missing item picked at once
    shoot_dialog(qtbot, screenshot, dialog, "dialog-correction")
    with qtbot.waitSignal(acceptance.sig_printed, timeout=30000):
        dialog.accept()
    assert "补正" in acceptance.result.text() and "correction.pdf" in acceptance.result.text()
    assert "补正材料通知".encode("gb18030") in bytes(sims.printer.job)
    acceptance.start("")
    acceptance.form.name.setText("王五")
    acceptance.form.identifier.setText("11010519491231002X")
    _pick_item(qtbot, acceptance)
    dialog = acceptance.do_reject()
    dialog.reason.setPlainText("申请事项不属于本机关职权范围")
    shoot_dialog(qtbot, screenshot, dialog, "dialog-reject-application")

    def no_remedies(*args, **kwargs):  # noqa: ANN002, ANN003
        # The 不予受理决定书 names the review authority and court; a hall whose data lacks them gets no PDF.
        raise MissingPlaceholder("refusal_of_acceptance", ["court", "review_authority"])
    s.acceptance.notices.write = no_remedies
    with qtbot.waitSignal(acceptance.sig_printed, timeout=30000) as printed:
        dialog._check()
    assert printed.args[0] is True  # the receipt still prints
    text = acceptance.result.text()
    assert text.startswith("已出具不予受理决定，办件编号 SL")
    assert "不予受理决定书未能生成：大厅基础资料缺少行政复议机关、人民法院" in text and "办件已保存" in text
    assert "notice_" not in text  # plain words, no codes
    assert "不予受理通知".encode("gb18030") in bytes(sims.printer.job)
    with s.engine.connect() as conn:  # the refusal went into the outbox all the same
        queued = {name for name, in conn.exec_driver_sql("SELECT name FROM sync_outbox")}
    assert "approval.reject_application" in queued
    shoot(qtbot, screenshot, window, "clerk-refusal-without-notice")
    transfer = window.workspace.ask_transfer()
    shoot_dialog(qtbot, screenshot, transfer, "dialog-transfer")
    transfer.reject()


def test_a_material_is_photographed_with_the_document_camera(qtbot, tmp_path, sims, screenshot):  # noqa: ANN001
    """拍照 on the checklist: a still from the configured camera (a generated video standing in for it) is
    attached to the material, which counts as received; the accepted case lists the file."""
    from drivers.config import DeviceSettings
    from tests.client.test_capture import document_video
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 41, 60)
    video = document_video(tmp_path / "camera.avi")
    settings = {**sims.settings, "camera": DeviceSettings("camera", options={"source": str(video)})}
    window, ops, devices = open_window(qtbot, s, Devices(settings))
    acceptance = window.workspace.acceptance
    acceptance.start("")
    acceptance.form.name.setText("赵六")
    acceptance.form.identifier.setText("11010519491231002X")
    _pick_item(qtbot, acceptance)
    first = acceptance.checklist.materials[0][0]
    qtbot.mouseClick(acceptance.checklist.findChild(type(acceptance.accept_button), "capture_0"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first in acceptance.checklist.attachments(), timeout=8000)
    assert first in acceptance.checklist.received() and "已拍照" in acceptance.result.text()
    shoot(qtbot, screenshot, window, "clerk-capture")
    still, = acceptance.checklist.attachments()[first]
    assert still.endswith(".jpg") and Path(still).parent == tmp_path / "captures"
    devices.stop()
    ops.wait()


def test_without_a_camera_the_checklist_offers_no_photo(qtbot, clerk):  # noqa: ANN001
    window, s, clock, sims = clerk
    acceptance = window.workspace.acceptance
    acceptance.start("")
    _pick_item(qtbot, acceptance)
    assert acceptance.checklist.findChild(type(acceptance.accept_button), "capture_0") is None


@pytest.fixture
def vendor_clerk(qtbot, tmp_path):  # noqa: ANN001
    """The counter with a vendor-style 15-key wireless keypad, described only by its file."""
    sims = SimDevices(keypad_protocol="wireless-15key")
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    for seq, number in enumerate(("A001", "A002", "A003"), start=1):
        publish_ticket(s.engine, 1, business, number, clock.now - dt.timedelta(minutes=40 - 10 * seq), seq=seq)
    window, ops, devices = open_window(qtbot, s, Devices(sims.settings))
    yield window, sims
    devices.stop()
    ops.wait()
    sims.stop()


def test_vendor_keypad_drives_call_recall_transfer_and_pause(qtbot, vendor_clerk):  # noqa: ANN001
    window, sims = vendor_clerk
    pad, panel = sims.keypad, _panel(window)
    assert window.devices.keypad.receiver.codec.name == "wireless-15key"
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 3)
    pad.press(Key.CALL_NEXT)  # 呼叫: AA 03 0A 0D 55
    qtbot.waitUntil(lambda: panel.ticket.text() == "A001")
    qtbot.waitUntil(lambda: pad.lcd is not None and pad.lcd.current == "A001")  # on the keypad's own display
    assert pad.lcd.waiting == 2 and pad.lcd.beep
    pad.press(Key.RECALL)  # 重呼
    qtbot.waitUntil(lambda: "已重呼 A001" in panel.message.text())
    pad.press(Key.TRANSFER, target_window=5)  # 转移 5 确认
    qtbot.waitUntil(lambda: panel.ticket.text() == "—")
    assert "A001" not in [t.number for t in panel.snapshot.waiting_tickets]  # gone to window 5
    pad.press(Key.CALL_NEXT)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A002")
    pad.press(PadKey.DIGIT, digit="7")  # a stray digit: refused on the keypad, nothing done
    qtbot.waitUntil(lambda: pad.lcd.refused)
    assert panel.ticket.text() == "A002"
    pad.press(PadKey.PAUSE_TOGGLE)  # 暂停 … and again: 恢复
    qtbot.waitUntil(lambda: panel.snapshot.paused)
    pad.press(PadKey.PAUSE_TOGGLE)
    qtbot.waitUntil(lambda: not panel.snapshot.paused)


UNKNOWN_LAYOUT = """# a keypad no shipped description covers (made up for this test)
name = "unknown-layout"
[frame]
header = "5A A5"
fields = ["address", "command", "checksum"]
terminator = "0D"
checksum = "crc16-modbus"
[keys]
"21" = "next"
"22" = "recall"
"23" = "pause_toggle"
"24" = "transfer"
"35" = "digit:5"
"30" = "enter"
[compose]
transfer = "window"
"""


@pytest.fixture
def learning_clerk(qtbot, tmp_path):  # noqa: ANN001
    """The counter's workstation speaks govhall-1; its keypad speaks a layout nobody described to it."""
    layout = tmp_path / "unknown-layout.toml"
    layout.write_text(UNKNOWN_LAYOUT, encoding="utf-8")
    sims = SimDevices(keypad_protocol=urllib.parse.quote(str(layout)))
    sims.settings["keypad"] = DeviceSettings("keypad", port=sims.keypad_url, options={"protocol": "govhall-1"})
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    business = s.desk.window.services[0].business_id
    for seq, number in enumerate(("A001", "A002"), start=1):
        publish_ticket(s.engine, 1, business, number, clock.now - dt.timedelta(minutes=30 - 10 * seq), seq=seq)
    window, ops, devices = open_window(qtbot, s, Devices(sims.settings))
    yield window, s, sims
    devices.stop()
    ops.wait()
    sims.stop()


def test_learning_mode_maps_the_keys_of_an_unknown_keypad(qtbot, learning_clerk, screenshot):  # noqa: ANN001
    window, s, sims = learning_clerk
    pad, panel = sims.keypad, _panel(window)
    qtbot.waitUntil(lambda: panel.snapshot is not None and sum(panel.snapshot.waiting.values()) == 2)
    with qtbot.waitSignal(window.devices.keypad.sig_error, timeout=3000) as refused:
        pad.press(Key.CALL_NEXT)  # not understood yet: refused on the line, nothing called
    assert refused.args[0] in ("frame_error", "checksum_error")
    qtbot.wait(200)
    assert panel.ticket.text() == "—"

    settings = window.open_device_settings()
    qtbot.addWidget(settings)
    learning = settings.open_learning()
    qtbot.waitUntil(lambda: learning.listening)
    assert "请按：呼叫（下一位）" in learning.prompt.text()
    layout_actions = set(pad.codec.description.keys.values())
    for action in learning.learning.steps:
        if action not in layout_actions:
            learning.skip.click()
            continue
        row = learning.learning.position
        base, _, digit = action.partition(":")
        pad.press(ACTION_KEYS[base], digit=digit)
        qtbot.waitUntil(lambda: learning.table.item(row, 1).text() != "", timeout=3000)
        if action == "recall":  # pressing an already learned key again is caught, not recorded twice
            pad.press(Key.CALL_NEXT)
            qtbot.waitUntil(lambda: "已记录为“呼叫（下一位）”" in learning.message.text(), timeout=3000)
            assert learning.learning.current == "pause_toggle"
    assert "全部按键已记录" in learning.prompt.text()
    shoot_dialog(qtbot, screenshot, learning, "dialog-keypad-learning")
    with qtbot.waitSignal(window.devices.keypad.sig_protocol, timeout=3000):
        learning.save.click()
    saved = s.workstation.data_dir / "keypad-learned.toml"
    assert saved.is_file() and "next" in saved.read_text(encoding="utf-8")
    assert "已保存到" in settings.message.text() and settings.protocol.text() == "learned"
    shoot_dialog(qtbot, screenshot, settings, "dialog-device-settings")

    pad.press(Key.CALL_NEXT)  # the learned 呼叫 now calls through the panel
    qtbot.waitUntil(lambda: panel.ticket.text() == "A001")
    pad.press(Key.TRANSFER, target_window=5)  # 转移 5 确认, learned key by key
    qtbot.waitUntil(lambda: panel.ticket.text() == "—")
    pad.press(Key.CALL_NEXT)
    qtbot.waitUntil(lambda: panel.ticket.text() == "A002")
    # and the workstation keeps it: `protocol = "learned"` in workstation.toml names the saved file
    (s.workstation.data_dir / "workstation.toml").write_text('[keypad]\nport = "sim://x"\nprotocol = "learned"\n',
                                                             encoding="utf-8")
    from client.services.workstation import load_workstation
    from drivers.factory import keypad_protocol
    reloaded = load_workstation(s.workstation.data_dir)
    assert keypad_protocol(reloaded.devices["keypad"]) == str(saved)
