"""手机号取号 at the dispenser against a live server: the keypad (digits, 删除, 清空, the shared rule's message),
the ticket with the phone masked on screen and on paper, the phone sealed before it is written anywhere (no
clear number in the kiosk's SQLite file or WAL, offline too), and the server keeping it for the near-call SMS."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from gui.qt import Qt
from kiosk.flow.dispenser import Step
from shared.crypto.ticket_phone import open_phone
from shared.sync.outbox import next_batch
from tests.kiosk.conftest import INDEX_KEY, SCREENSHOTS, ticket_key
from tests.kiosk.printed_ticket import save_png
from tests.kiosk.test_dispenser import business_id, dispenser, outbox, printer  # noqa: F401  (fixtures)

PHONE = "13812341234"


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's keys; the kiosk's ticket key is derived from this index key (tests.kiosk.conftest)."""
    monkeypatch.setenv("GOVHALL_PII_KEYS", f"t1:{'3a' * 16}")
    monkeypatch.setenv("GOVHALL_PII_INDEX_KEY", INDEX_KEY.hex())


def type_number(qtbot, pad, digits: str) -> None:  # noqa: ANN001
    for d in digits:
        qtbot.mouseClick(pad.keys[d], Qt.MouseButton.LeftButton)


def confirm(qtbot, pad) -> None:  # noqa: ANN001
    qtbot.mouseClick(pad.confirm, Qt.MouseButton.LeftButton)


def cache_files(desk) -> list[Path]:  # noqa: ANN001
    path = Path(desk.sync.engine.url.database)
    return [p for p in path.parent.glob(path.name + "*") if p.is_file()]


def assert_no_clear_phone(desk) -> None:  # noqa: ANN001
    files = cache_files(desk)
    assert files and any(p.name.endswith(".sqlite3") for p in files)
    for p in files:
        assert PHONE.encode() not in p.read_bytes(), f"clear phone in {p.name}"


def test_keypad_validates_and_the_ticket_shows_the_phone_masked(qtbot, dispenser, printer,  # noqa: ANN001
                                                                screenshot) -> None:
    window, desk, _ = dispenser
    home, pad = window.home, window.phone_pad
    assert home.phone.isVisible() and home.phone.text() == "手机号取号"
    qtbot.mouseClick(home.phone, Qt.MouseButton.LeftButton)
    assert window.flow.step is Step.PHONE and window.stack.currentWidget() is pad
    assert pad.number.text() == "请输入11位手机号码" and not pad.confirm.isEnabled()
    screenshot(window, "dispenser/phone-empty")
    type_number(qtbot, pad, "1381234")
    assert pad.number.text() == "138 1234"
    confirm(qtbot, pad)
    assert window.flow.step is Step.PHONE and pad.error.text() == "手机号码应为11位"
    screenshot(window, "dispenser/phone-invalid")
    qtbot.mouseClick(pad.keys["clear"], Qt.MouseButton.LeftButton)
    assert pad.digits == "" and pad.error.text() == ""
    type_number(qtbot, pad, "12012345678")
    confirm(qtbot, pad)
    assert pad.error.text() == "请输入正确的手机号码（1开头，第二位为3至9）"
    for _ in range(11):
        qtbot.mouseClick(pad.keys["delete"], Qt.MouseButton.LeftButton)
    type_number(qtbot, pad, PHONE + "9")  # a twelfth digit is not taken
    assert pad.digits == PHONE and pad.number.text() == "138 1234 1234"
    screenshot(window, "dispenser/phone-valid")
    confirm(qtbot, pad)
    assert window.flow.step is Step.PICK and window.stack.currentWidget() is home
    assert home.title.text() == "手机 138****1234，请选择办理业务"
    qtbot.mouseClick(home.tiles[business_id(desk, "A")], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert window.ticket.number.text() == "A001" and "手机 138****1234" in window.ticket.facts.text()
    screenshot(window, "dispenser/ticket-phone")
    text = printer[0].jobs_text()
    assert "手机号码：138****1234" in text and PHONE not in text
    save_png(bytes(printer[0].job), SCREENSHOTS / "dispenser" / "printed-ticket-phone.png")
    # the issue command carries the phone sealed for the server, and nothing in the cache shows it
    qtbot.waitUntil(lambda: any(r["name"] == "queue.issue" for r in outbox(desk)))
    with desk.sync.engine.connect() as conn:  # as the sync loop pushes it: the outbox's own seal opened
        issue = next(r for r in next_batch(conn, 100) if r["name"] == "queue.issue")
    assert open_phone(issue["args"]["phone_sealed"], ticket_key(desk.directory.hall_id),
                      issue["args"]["ticket_id"]) == PHONE
    assert_no_clear_phone(desk)
    desk.sync.sync_once()
    assert desk.sync.rejected() == [] and desk.sync.status().pending == 0
    answered = next(r for r in outbox(desk) if r["name"] == "queue.issue")
    assert answered["args"]["phone_sealed"] == "(withheld)"  # answered: not even the sealed value stays
    confirmed = next(iter(desk.sync.confirmed("queue_ticket").values()))
    assert "phone_unreadable" not in confirmed.get("flags", []) and PHONE not in str(confirmed)


def test_offline_the_phone_waits_sealed_in_the_outbox(qtbot, dispenser, hall, printer) -> None:  # noqa: ANN001
    from server.queue.models import QueueTicketPhone
    from server.queue.ticket_phones import phones_of
    from shared.crypto.keys import keys_from_environment
    window, desk, network = dispenser
    network.down = True
    window.run(window.flow.choose_phone())
    type_number(qtbot, window.phone_pad, PHONE)
    confirm(qtbot, window.phone_pad)
    window.run(window.flow.tap(business_id(desk, "B")))
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert "手机号码：138****1234" in printer[0].jobs_text()
    qtbot.waitUntil(lambda: desk.sync.status().pending == 2)  # queue.issue, then queue.print
    assert_no_clear_phone(desk)
    network.down = False
    desk.sync.sync_once()
    assert desk.sync.status().pending == 0 and desk.sync.rejected() == []
    assert_no_clear_phone(desk)
    ticket_id = next(iter(desk.sync.confirmed("queue_ticket")))
    db = hall[0]
    with db.session() as s:
        assert s.scalars(select(QueueTicketPhone.ticket_id)).all() == [ticket_id]
        assert phones_of(s, [ticket_id], keys_from_environment()) == {ticket_id: PHONE}


def test_keypad_goes_home_when_left_alone_and_without_a_ticket_key_is_not_offered(  # noqa: ANN001
        qtbot, dispenser) -> None:
    from kiosk.screens.dispenser_home import DispenserHome
    window, desk, _ = dispenser
    window.run(window.flow.choose_phone())
    type_number(qtbot, window.phone_pad, "139")
    assert window.flow.timeout() == 45
    window.arm_idle(1)  # the real keypad timeout is 45 s
    qtbot.waitUntil(lambda: window.flow.step is Step.HOME, timeout=3000)
    assert window.stack.currentWidget() is window.home and window.flow.phone is None
    window.run(window.flow.choose_phone())
    assert window.phone_pad.digits == ""  # a new citizen starts from an empty number
    bare = DispenserHome(desk.directory, window.home.theme, phone=False)
    qtbot.addWidget(bare)
    assert bare.phone.isHidden()


def test_keypad_in_elderly_mode_fits_the_screen(qtbot, dispenser, screenshot) -> None:  # noqa: ANN001, F811
    window, _, _ = dispenser
    qtbot.mouseClick(window.home.elderly, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.home.phone, Qt.MouseButton.LeftButton)
    pad = window.phone_pad
    assert window.flow.step is Step.PHONE and window.flow.timeout() == 90 and pad.theme.elderly
    type_number(qtbot, pad, "139")
    confirm(qtbot, pad)
    qtbot.wait(20)
    bottom = pad.confirm.mapTo(pad, pad.confirm.rect().bottomLeft()).y()
    assert bottom <= pad.height() and pad.error.text() == "手机号码应为11位"
    screenshot(window, "dispenser/phone-elderly")
