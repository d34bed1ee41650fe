"""The dispenser applies a business's priority classes (优先类别) from the published hall rules, by the same
shared rule the server uses (shared.queue.issuance.priority_of): an elderly citizen's ID card gives a green-channel
ticket only where the business offers 老年人优先; the server, recording the ticket, decides the same class."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from server.api.queue_config import _store_rules
from server.queue.config import forget_config, load_rules
from server.queue.models import QueueTicket
from server.sync.reference import publish_all_halls
from shared.queue.tickets import Channel, GreenChannelReason, PriorityClass
from tests.kiosk.conftest import make_device, ticket_key
from tests.kiosk.test_dispenser import dispenser, printer  # noqa: F401  (fixtures)
from tests.queue.builders import resident_id


def test_dispenser_and_server_apply_the_businesss_priority_classes(hall, cache, now) -> None:  # noqa: ANN001
    db, _, hall_id, _ = hall
    sync, _ = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(sync, directory, ticket_key=ticket_key(directory.hall_id), now=lambda: now[0])
    desk.track_today()
    ids = {e.business.prefix: e.business.id for e in directory.entries}
    with db.session() as s:  # the admin: A offers only 孕妇/军人 优先; B keeps every class
        rules = dataclasses.replace(load_rules(s, hall_id), green_reasons_by_business={ids["A"]: ("pregnant",
                                                                                                  "veteran")})
        _store_rules(s, hall_id, rules, "admin", now[0])  # as PUT …/rules stores them
        forget_config(s)
        s.flush()
        publish_all_halls(s, now[0])
    sync.sync_once()
    desk.directory.refresh()
    assert desk.directory.rules.green_reasons_for(ids["A"]) == {GreenChannelReason.PREGNANT,
                                                                 GreenChannelReason.VETERAN}
    elderly = [resident_id(n, "19500101") for n in (1, 2)]
    on_a = desk.admit(ids["A"], Channel.ID_CARD, person_id=elderly[0])
    on_b = desk.admit(ids["B"], Channel.ID_CARD, person_id=elderly[1])
    assert (on_a.priority_class, on_a.green_reason) == (PriorityClass.NORMAL, None)
    assert (on_b.priority_class, on_b.green_reason) == (PriorityClass.GREEN_CHANNEL, GreenChannelReason.ELDERLY)
    taken = {prefix: desk.issue(ids[prefix], Channel.ID_CARD, person_id=person).ticket
             for prefix, person in (("A", elderly[0]), ("B", elderly[1]))}
    sync.sync_once()  # the server records both tickets and decides their classes itself
    with db.session() as s:
        server = {row.id: (row.priority_class, row.green_reason, row.flags) for row in s.scalars(
            select(QueueTicket).where(QueueTicket.id.in_([t.id for t in taken.values()])))}
    for ticket in taken.values():
        green = ticket.green_reason.value if ticket.green_reason else None
        assert server[ticket.id][:2] == (int(ticket.priority_class), green)
        assert "green_reason_not_offered" not in server[ticket.id][2]


def test_tiles_offer_the_businesss_classes_and_the_ticket_shows_the_one_taken(  # noqa: ANN001
        qtbot, dispenser, hall, printer, now, screenshot) -> None:
    """The admin's classes reach the tiles by sync (A: 老年人/军人 only, B: every class); a citizen taps A's 军人:
    the ticket on screen and on paper says 军人优先, and the server records the same class."""
    from gui.qt import Qt
    from kiosk.flow.dispenser import Step
    from tests.kiosk.conftest import SCREENSHOTS
    from tests.kiosk.printed_ticket import save_png
    window, desk, _ = dispenser
    db, _, hall_id, _ = hall
    ids = {e.business.prefix: e.business.id for e in desk.directory.entries}
    assert set(window.home.tiles[ids["A"]].priorities) == {r.value for r in GreenChannelReason}  # nothing set
    with db.session() as s:
        rules = dataclasses.replace(load_rules(s, hall_id), green_reasons_by_business={ids["A"]: ["veteran",
                                                                                                  "elderly"]})
        _store_rules(s, hall_id, rules, "admin", now[0])
        forget_config(s)
        s.flush()
        publish_all_halls(s, now[0])
    desk.sync.sync_once()
    window.refresh()  # as after every sync: the tiles are redrawn from the published rules
    qtbot.waitUntil(lambda: list(window.home.tiles[ids["A"]].priorities) == ["elderly", "veteran"], timeout=5000)
    tile_a, tile_b = window.home.tiles[ids["A"]], window.home.tiles[ids["B"]]
    assert [c.text() for c in tile_a.priorities.values()] == ["老年人", "军人"]
    assert [c.text() for c in tile_b.priorities.values()] == ["老年人", "残疾人", "孕妇", "军人"]
    qtbot.waitUntil(lambda: tile_a.badge.text().startswith("剩余"))
    for chip in tile_a.priorities.values():  # the chips lie inside their tile and show their whole text
        assert chip.isVisible() and chip.geometry().right() <= tile_a.width()
        assert chip.contentsRect().width() >= chip.fontMetrics().horizontalAdvance(chip.text())
    qtbot.wait(50)  # the redrawn tiles settle into the scroll area
    screenshot(window, "dispenser/home-priority-classes")
    qtbot.mouseClick(tile_a.priorities["veteran"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    assert window.ticket.business.text().endswith("（军人优先）")
    text = printer[0].jobs_text()
    assert "优先类别：军人" in text
    screenshot(window, "dispenser/ticket-priority-class")
    save_png(bytes(printer[0].job), SCREENSHOTS / "dispenser" / "printed-ticket-priority.png")
    ticket = window.flow.prepared.ticket
    assert (ticket.priority_class, ticket.green_reason) == (PriorityClass.GREEN_CHANNEL, GreenChannelReason.VETERAN)
    window.run(window.flow.back())
    printed_before = len(printer[0].jobs_text())
    qtbot.mouseClick(tile_a, Qt.MouseButton.LeftButton)  # the tile itself: a normal ticket
    qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
    plain = window.flow.prepared.ticket
    assert plain.priority_class is PriorityClass.NORMAL and "优先" not in window.ticket.business.text()
    assert "优先类别" not in printer[0].jobs_text()[printed_before:]
    window.ops.wait()
    desk.sync.sync_once()
    assert desk.sync.rejected() == []
    with db.session() as s:
        server = {row.id: (row.priority_class, row.green_reason, row.flags) for row in s.scalars(
            select(QueueTicket).where(QueueTicket.id.in_([ticket.id, plain.id])))}
    assert server[ticket.id][:2] == (int(PriorityClass.GREEN_CHANNEL), "veteran")
    assert server[plain.id][:2] == (int(PriorityClass.NORMAL), None)
    assert "green_reason_not_offered" not in server[ticket.id][2]


def test_a_class_the_business_does_not_offer_gives_a_normal_ticket(hall, cache, now) -> None:  # noqa: ANN001
    """A stale tile (the admin withdrew 军人 after it was drawn): the shared rule gives a normal ticket."""
    db, _, hall_id, _ = hall
    sync, _ = make_device(hall, cache, "dispenser")
    directory = load_directory(cache)
    desk = TicketDesk(sync, directory, ticket_key=ticket_key(directory.hall_id), now=lambda: now[0])
    desk.track_today()
    ids = {e.business.prefix: e.business.id for e in directory.entries}
    with db.session() as s:
        rules = dataclasses.replace(load_rules(s, hall_id), green_reasons_by_business={ids["A"]: ("elderly",)})
        _store_rules(s, hall_id, rules, "admin", now[0])
        forget_config(s)
        s.flush()
        publish_all_halls(s, now[0])
    sync.sync_once()
    stale = desk.issue(ids["A"], Channel.DISPENSER, green_reason="veteran").ticket
    offered = desk.issue(ids["A"], Channel.DISPENSER, green_reason="elderly").ticket
    assert (stale.priority_class, stale.green_reason) == (PriorityClass.NORMAL, None)
    assert (offered.priority_class, offered.green_reason) == (PriorityClass.GREEN_CHANNEL, GreenChannelReason.ELDERLY)
    import pytest
    from shared.queue.errors import IssueRefused
    with pytest.raises(IssueRefused) as refused:
        desk.issue(ids["A"], Channel.DISPENSER, green_reason="vip")
    assert refused.value.code == "invalid_priority_classes"
