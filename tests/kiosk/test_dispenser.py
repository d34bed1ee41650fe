"""Dispenser journeys against a live server, the fake network printer and the GA 467 / scanner simulators:
tap → printed bytes; ID swipe → appointment matched → ticket; QR → ticket; quota full → refusal; paper out →
told, the server learns it failed (then kept); network down → reserve number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from gui.ops import Ops
from gui.qt import Qt
from drivers.config import settings_from_mapping
from drivers.factory import ticket_printer
from drivers.qt.devices import PrinterAdapter
from drivers.sim.host import SimHost
from drivers.sim.printer import PrinterSimulator
from kiosk.dispenser import DispenserWindow
from kiosk.flow.dispenser import Step
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.queue.clock import CHINA_TZ
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from shared.sync import store
from tests.kiosk.conftest import make_device, ticket_key


@pytest.fixture
def printer():  # noqa: ANN201
    sim = PrinterSimulator()
    host = SimHost(sim, kind="tcp").start()
    settings = settings_from_mapping("printer", {"transport": "network", "host": "127.0.0.1",
                                                 "tcp_port": host.tcp_port, "timeout": 1.0})
    adapter = PrinterAdapter(ticket_printer(settings))
    adapter.start()
    yield sim, adapter
    adapter.stop()
    host.stop()


@pytest.fixture
def dispenser(qtbot, hall, cache, now, printer):  # noqa: ANN001, ANN201
    sync, network = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(sync, directory, ticket_key=ticket_key(directory.hall_id), now=lambda: now[0])
    desk.track_today()
    sync.sync_once()  # today's live and reserve blocks
    ops = Ops()
    window = DispenserWindow(ops, desk, printer=printer[1], pin="2468",
                             follow_url="https://q.example/t/{ticket}")
    qtbot.addWidget(window)
    window.resize(1080, 1920)  # the 32" dispenser stands in portrait
    window.show()
    yield window, desk, network
    ops.wait()


def business_id(desk: TicketDesk, prefix: str) -> int:
    return next(e.business.id for e in desk.directory.entries if e.business.prefix == prefix)


def test_tap_prints_the_ticket_and_records_it(qtbot, dispenser, printer, screenshot) -> None:  # noqa: ANN001
    window, desk, _ = dispenser
    tile = window.home.tiles[business_id(desk, "A")]
    qtbot.waitUntil(lambda: tile.badge.text() == "剩余 120 号")
    screenshot(window, "dispenser/home")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    text = printer[0].jobs_text()
    assert "A001" in text and "特种设备使用登记" in text and printer[0].job.endswith(b"\x1dV\x01") is not None
    assert window.ticket.number.text() == "A001" and window.flow.printed
    qtbot.waitUntil(lambda: any(r["display"] == "A001" for r in desk.sync.rows("queue_ticket").values()))
    row = next(iter(desk.sync.rows("queue_ticket").values()))
    assert row["printed"] is True and row["channel"] == "dispenser"
    qtbot.waitUntil(lambda: tile.badge.text() == "剩余 119 号")
    screenshot(window, "dispenser/ticket")


def test_elderly_mode_has_larger_tiles_in_one_column(qtbot, dispenser, screenshot) -> None:  # noqa: ANN001
    window, desk, _ = dispenser
    before = window.home.tiles[business_id(desk, "A")].height()
    qtbot.mouseClick(window.home.elderly, Qt.MouseButton.LeftButton)
    assert window.flow.elderly and window.flow.timeout() is None
    tile = window.home.tiles[business_id(desk, "A")]
    qtbot.waitUntil(lambda: tile.badge.text().startswith("剩余"))
    assert tile.height() > before
    screenshot(window, "dispenser/home-elderly")


def assert_tiles_fit(home) -> None:  # noqa: ANN001
    """Every badge lies inside its tile and shows its whole text; every tile lies inside the visible width."""
    from gui.qt import QPoint, QRect, QScrollArea
    viewport = home.findChild(QScrollArea).viewport()
    for tile in home.tiles.values():
        badge = QRect(tile.badge.mapTo(tile, QPoint(0, 0)), tile.badge.size())
        assert tile.rect().contains(badge), f"{tile.name.text()}: badge {badge.getRect()} in {tile.rect().getRect()}"
        needed = tile.badge.fontMetrics().horizontalAdvance(tile.badge.text())
        assert tile.badge.contentsRect().width() >= needed, f"{tile.badge.text()} is cut"
        left = tile.mapTo(viewport, QPoint(0, 0)).x()
        assert left >= 0 and left + tile.width() <= viewport.width(), f"{tile.name.text()} leaves the screen"


def test_badges_stay_inside_their_tiles_in_both_modes(qtbot, dispenser) -> None:  # noqa: ANN001
    window, desk, _ = dispenser
    qtbot.waitUntil(lambda: window.home.tiles[business_id(desk, "A")].badge.text() == "剩余 120 号")
    assert window.size().width() == 1080
    qtbot.wait(20)  # let the layouts settle after the badge texts changed
    assert_tiles_fit(window.home)
    qtbot.mouseClick(window.home.elderly, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.home.tiles[business_id(desk, "A")].badge.text() == "剩余 120 号")
    qtbot.wait(20)
    assert_tiles_fit(window.home)


def test_id_card_with_an_appointment_gets_its_ticket_at_once(qtbot, dispenser, printer, now,  # noqa: ANN001
                                                             screenshot) -> None:
    from drivers.sim.idcard import sample_id_number
    window, desk, _ = dispenser
    person = sample_id_number()
    appointment = str(uuid.uuid4())
    slot = now[0] + dt.timedelta(minutes=20)
    with desk.sync.engine.begin() as conn:  # what sync brings from the queue_appointment table
        store.apply_changes(conn, [{"scope": f"hall:{desk.directory.hall_id}", "seq": 1,
                                    "table": "queue_appointment",
                                    "pk": appointment, "op": "upsert",
                                    "row": {"id": appointment, "business_id": business_id(desk, "C"),
                                            "person_key": desk.person_key(person),
                                            "slot_start": slot.isoformat(), "state": "booked"}}])
    window.run(window.flow.card(person))
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert window.ticket.number.text() == "C001"
    assert window.ticket.notice.text().startswith(f"您预约了 {slot:%H:%M} 的计量业务，已为您取号")
    assert "C001" in printer[0].jobs_text()
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_ticket")) == 1)
    row = next(iter(desk.sync.rows("queue_ticket").values()))
    assert (row["channel"], row["priority_class"], row["appointment_id"]) == ("id_card", 1, appointment)
    screenshot(window, "dispenser/ticket-appointment")
    # one ticket per person: the same card again is refused
    window.run(window.flow.back())
    window.run(window.flow.card(person))
    qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=5000)
    assert window.message.message.text() == "您已取得该业务的号，请勿重复取号"
    assert len(desk.sync.rows("queue_ticket")) == 1
    screenshot(window, "dispenser/refused-duplicate")


def test_card_swipe_from_the_reader_simulator_then_a_tap(qtbot, dispenser, printer,  # noqa: ANN001
                                                         screenshot) -> None:
    from drivers.config import settings_from_mapping as conf
    from drivers.factory import idcard_reader
    from drivers.qt.devices import IdCardReaderAdapter
    from drivers.sim.protocol_sim import model_for
    window, desk, _ = dispenser
    url = f"sim://idcard?tag={uuid.uuid4().hex}"
    card = model_for(url)
    card.remove()
    reader = IdCardReaderAdapter(idcard_reader(conf("idcard", {"port": url})), retry_delay=0.1)
    reader.sig_card_read.connect(lambda read: window.run(window.flow.card(read.record.id_number)))
    reader.start()
    try:
        card.present()  # the sample card of 王小明 (born 1990), no appointment today
        qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=8000)
        masked = window.flow.person_id[:6] + "********" + window.flow.person_id[-4:]  # DOMAIN.md's policy
        assert window.home.title.text() == f"身份证 {masked}，请选择办理业务"
        screenshot(window, "dispenser/pick-for-person")
        qtbot.mouseClick(window.home.tiles[business_id(desk, "B")], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    finally:
        reader.stop()
    assert window.ticket.number.text() == "B001" and "B001" in printer[0].jobs_text()
    from drivers.sim.idcard import sample_id_number
    row = next(iter(desk.sync.rows("queue_ticket").values()))
    assert row["channel"] == "id_card" and row["person_key"] == desk.person_key(sample_id_number())


def test_qr_identity_code_then_business(qtbot, dispenser, printer) -> None:  # noqa: ANN001
    from drivers.qt.wedge import WedgeScanFilter
    from gui.qt import QApplication
    window, desk, _ = dispenser
    wedge = WedgeScanFilter(max_gap=1.0)
    wedge.sig_scanned.connect(lambda code: window.run(window.flow.scanned(code)))
    QApplication.instance().installEventFilter(wedge)
    try:
        qtbot.keyClicks(window, "GOVHALL-ID:11010519491231002X")
        qtbot.keyClick(window, Qt.Key.Key_Return)
    finally:
        QApplication.instance().removeEventFilter(wedge)
    qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=5000)
    qtbot.mouseClick(window.home.tiles[business_id(desk, "E")], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert window.ticket.number.text() == "E001" and "E001" in printer[0].jobs_text()
    assert next(iter(desk.sync.rows("queue_ticket").values()))["channel"] == "qr"


def test_unknown_qr_code_is_refused_in_plain_words(qtbot, dispenser, screenshot) -> None:  # noqa: ANN001
    window, _, _ = dispenser
    window.run(window.flow.scanned("https://example.com/whatever"))
    assert window.flow.step is Step.REFUSED
    assert window.message.message.text() == "无法识别该二维码，请出示粤省事码或刷身份证"
    screenshot(window, "dispenser/refused-qr")


def test_quota_full_is_shown_and_refused(qtbot, dispenser, now, screenshot) -> None:  # noqa: ANN001
    window, desk, _ = dispenser
    e = business_id(desk, "E")  # 标准与守法证明: 50 in the morning
    for _ in range(50):
        desk.settle(desk.prepare(desk.admit(e, Channel.DISPENSER)), PrintState.PRINTED)
    window.refresh()
    tile = window.home.tiles[e]
    qtbot.waitUntil(lambda: tile.badge.text() == "今日已满")
    assert not tile.isEnabled()
    screenshot(window, "dispenser/home-quota-full")
    window.run(window.flow.tap(e))  # e.g. a second kiosk issued the last one meanwhile
    qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=5000)
    assert window.message.message.text() == "上午该业务号已取完，请下午再来"
    screenshot(window, "dispenser/refused-quota")


def test_paper_out_tells_the_citizen_and_the_server(qtbot, dispenser, printer,  # noqa: ANN001
                                                   screenshot) -> None:
    window, desk, _ = dispenser
    printer[0].paper_out = True
    window.run(window.flow.tap(business_id(desk, "A")))
    qtbot.waitUntil(lambda: window.flow.step is Step.PRINT_FAILED, timeout=5000)
    assert window.message.title.text() == "取号机缺纸，暂时无法打印号票"
    assert window.message.number.text() == "A001"
    screenshot(window, "dispenser/print-failed-paper-out")
    qtbot.waitUntil(lambda: any(r["name"] == "fact.record" for r in outbox(desk)))
    row = next(iter(desk.sync.rows("queue_ticket").values()))  # recorded when the number was taken
    qtbot.waitUntil(lambda: any(r["name"] == "queue.print" for r in outbox(desk)))
    assert desk.sync.rows("queue_ticket")[row["id"]]["print_state"] == "failed"  # not called: nobody holds it
    fault = next(r for r in outbox(desk) if r["name"] == "fact.record")
    assert fault["args"]["body"]["code"] == "printer_paper_out"
    qtbot.mouseClick(window.message.keep, Qt.MouseButton.LeftButton)  # 不打印，记住号码
    assert window.flow.step is Step.ISSUED and window.ticket.headline.text() == "未打印号票，请记住您的号码"
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_ticket")) == 1)
    qtbot.waitUntil(lambda: desk.sync.rows("queue_ticket")[row["id"]]["print_state"] == "kept")
    assert desk.sync.rows("queue_ticket")[row["id"]]["printed"] is False
    assert [r["args"]["outcome"] for r in outbox(desk) if r["name"] == "queue.print"] == ["failed", "kept"]
    screenshot(window, "dispenser/ticket-not-printed")


def outbox(desk) -> list[dict]:  # noqa: ANN001
    from sqlalchemy import select
    from shared.sync.tables import outbox as table
    with desk.sync.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_offline_issues_reserve_numbers(qtbot, dispenser, printer, screenshot) -> None:  # noqa: ANN001
    window, desk, network = dispenser
    network.down = True
    a = business_id(desk, "A")
    with desk.sync.engine.begin() as conn:  # the live block is used up; the refill fails offline
        from shared.sync.tables import leases
        from sqlalchemy import update
        conn.execute(update(leases).where(leases.c.kind == "live").values(next=leases.c.last + 1))
    with pytest.raises(Exception):
        desk.sync.sync_once()
    window.poll_status()
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert window.banner.text().startswith("离线运行中")
    window.run(window.flow.tap(a))
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    number = window.ticket.number.text()
    assert number >= "A900" and number in printer[0].jobs_text()
    assert "网络中断期间发放的号码" in window.ticket.notice.text()
    screenshot(window, "dispenser/ticket-offline")
    network.down = False
    qtbot.waitUntil(lambda: desk.sync.status().pending == 2)  # queue.issue ("printing"), then queue.print
    desk.sync.sync_once()
    # the server took the reserve number
    assert desk.sync.status().pending == 0 and desk.sync.rejected() == []
    confirmed = next(iter(desk.sync.confirmed("queue_ticket").values()))
    assert confirmed["display"] == number and confirmed["print_state"] == "printed"


def test_closed_now_and_paused_are_refused_by_the_shared_rules(dispenser, now) -> None:  # noqa: ANN001
    from shared.queue.errors import IssueRefused
    _, desk, _ = dispenser
    a = business_id(desk, "A")
    now[0] = now[0].replace(hour=8)
    with pytest.raises(IssueRefused) as closed:
        desk.issue(a, Channel.DISPENSER)
    assert closed.value.code == "outside_opening_hours"
    now[0] = now[0].replace(hour=10)
    entry = desk.directory.entry(a)
    desk.directory.entries[desk.directory.entries.index(entry)] = dataclasses.replace(
        entry, quota=dataclasses.replace(entry.quota, paused=True))
    with pytest.raises(IssueRefused) as paused:
        desk.issue(a, Channel.DISPENSER)
    assert paused.value.code == "business_paused"


def test_idle_timeout_returns_home_and_forgets_the_person(qtbot, dispenser) -> None:  # noqa: ANN001
    window, _, _ = dispenser
    window.run(window.flow.scanned("GOVHALL-ID:11010519491231002X"))
    qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=5000)
    window.arm_idle(1)  # the real PICK timeout is 30 s
    qtbot.waitUntil(lambda: window.flow.step is Step.HOME, timeout=3000)
    assert window.flow.person_id is None and window.stack.currentWidget() is window.home


def test_the_dispenser_header_reads_its_desks_clock(dispenser, now) -> None:  # noqa: ANN001
    window, desk, _ = dispenser
    now[0] = dt.datetime(2027, 1, 9, 3, 40, tzinfo=CHINA_TZ)  # the header reads the hall clock
    window.header.tick()
    assert "2027年1月9日 星期六" in window.header.clock.text()
