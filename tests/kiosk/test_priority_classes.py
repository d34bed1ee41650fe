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
