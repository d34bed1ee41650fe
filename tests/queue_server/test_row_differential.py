"""One codec per published table: the row a device writes optimistically for an action is the row the server
publishes for the same action. Real devices (the kiosk's TicketDesk and RatingDesk, the counter's QueueDesk
and case store, a lease book) push to the real app in process; each optimistic row, read before the push,
must equal the confirmed row the pull brings back, but for the fields only the server can fill (named in
each test: a counter does not know its hall's id, nor a device the server's keys)."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client.services.acceptance import Application
from client.services.applicant import ORGANISATION, PERSON, Applicant
from client.services.auth import StaffSession
from client.services.context import build_services
from client.services.workstation import Workstation
from kiosk.flow.evaluator import Rate
from kiosk.services.issuing import TicketDesk
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import load_directory
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.queue.printing import PrintState
from shared.queue.clock import CHINA_TZ
from shared.queue.ratings import RatingLevel
from shared.queue.tickets import Channel
from shared.sync.client import SyncClient
from tests.approval_server.support import TEST_KEYS
from tests.client.support import make_cache
from tests.sync.harness.world import template_db
from tests.sync.support import FakeClock, demo_hall, new_device
from tests.sync.test_client_loop import AppTransport

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)  # a Monday, inside the demo hall's hours
INDEX_KEY = bytes(range(16))
PERSON_ID = "11010519491231002X"
USCC = "91350100M000100Y43"


class Hall:
    """The real app in process with a pinned clock, and devices registered on it."""

    def __init__(self, tmp: Path, http: TestClient, db: Database) -> None:
        self.tmp, self.http, self.db = tmp, http, db
        self.transport = AppTransport(http)
        self.hall_id, self.windows = demo_hall(db)

    def cache(self, name: str, *, immediate: bool = True):  # noqa: ANN201
        """A device cache holding the demo hall (`immediate`: as the kiosk opens it; the client does not)."""
        return make_cache(self.tmp / f"{name}.sqlite3", definitions=False, immediate=immediate)

    def device(self, kind: str, name: str, window_index: int | None = None) -> SyncClient:
        window = self.windows[window_index] if window_index is not None else None
        device_id, token = new_device(self.db, kind, self.hall_id, window)
        return SyncClient(self.cache(name), device_id=device_id, token=token, transport=self.transport)

    def counter(self, window_number: int = 1):  # noqa: ANN201
        """A clerk's workstation at a window, logged in on the server (calls need the clerk role)."""
        device_id, token = new_device(self.db, "workstation", self.hall_id, self.windows[window_number - 1])
        login = self.http.post("/api/v1/auth/login", json={"username": "clerk", "password": "GovHall@2026",
                                                           "device_id": device_id}).json()
        session = StaffSession("clerk", "王晓敏", "DG0001", tuple(login.get("roles") or ("clerk",)), self.hall_id,
                               None, login["token"], offline=False)
        data = self.tmp / f"ws{window_number}"
        data.mkdir(exist_ok=True)
        ws = Workstation(data, window_number=window_number, device_id=device_id, device_token=token)
        engine = self.cache(f"ws{window_number}/cache", immediate=False)
        return build_services(ws, session, engine, transport=self.transport, clock=lambda: NOW)


@pytest.fixture
def hall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    for name, value in TEST_KEYS.items():  # the server seals the applicant's identity
        monkeypatch.setenv(name, value)
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=db,
                     clock=FakeClock(NOW.astimezone(dt.timezone.utc)))
    with TestClient(app) as http:
        yield Hall(tmp_path, http, db)
    db.dispose()


def pushed(sync: SyncClient, table: str, pk: str) -> tuple[dict, dict]:
    """(the optimistic row, the row the server published) for one action."""
    optimistic = dict(sync.rows(table)[pk])
    sync.sync_once()
    assert sync.rejected() == []
    return optimistic, sync.confirmed(table)[pk]


def without_hall(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "hall_id"}


def test_ticket_call_window_and_rating_rows_match_the_servers(hall: Hall) -> None:
    dispenser = hall.device("dispenser", "dispenser")
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=INDEX_KEY, now=lambda: NOW)
    desk.track_today()
    dispenser.sync_once()
    a = next(e.business.id for e in desk.directory.entries if e.business.prefix == "A")
    walk_in = desk.issue(a, Channel.DISPENSER)
    desk.settle(walk_in, PrintState.PRINTED)
    optimistic, published = pushed(dispenser, "queue_ticket", walk_in.ticket.id)
    assert optimistic == published
    elderly = desk.issue(a, Channel.ID_CARD, PERSON_ID)  # born 1949: the green channel, a person key
    desk.settle(elderly, PrintState.FAILED)  # 不打印，记住号码: kept after a failed print
    desk.settle(elderly, PrintState.KEPT)
    optimistic, published = pushed(dispenser, "queue_ticket", elderly.ticket.id)
    assert published["green_reason"] == "elderly" and published["person_key"]
    assert optimistic == published

    counter = hall.counter(1)
    counter.sync.sync_once()
    counter.sync.online = False  # a call's optimistic rows are the offline path's (online the server decides)
    decision = counter.desk.call_next()
    call_id = next(pk for pk, r in counter.sync.rows("queue_call").items() if r["ticket_id"] == decision.ticket.id)
    ticket_before = dict(counter.sync.rows("queue_ticket")[decision.ticket.id])
    window_before = dict(counter.sync.rows("queue_window")[str(counter.desk.window.id)])
    call_before, call_after = pushed(counter.sync, "queue_call", call_id)
    assert ticket_before == counter.sync.confirmed("queue_ticket")[decision.ticket.id]
    assert without_hall(window_before) == without_hall(counter.sync.confirmed("queue_window")[
        str(counter.desk.window.id)])
    assert without_hall(call_before) == without_hall(call_after)
    for act in (counter.desk.start, counter.desk.finish):
        done = act()
        optimistic, published = pushed(counter.sync, "queue_ticket", done.id)
        assert optimistic == published

    evaluator = hall.device("evaluator", "evaluator", 0)
    evaluator.sync_once()
    rating = RatingDesk(evaluator, load_directory(evaluator.engine), counter.desk.window.id, now=lambda: NOW)
    visit = rating.visit_at_window()
    assert visit is not None and visit.ticket_id == decision.ticket.id
    rating_id = rating.record(Rate(visit, RatingLevel.SATISFIED, ""))
    optimistic, published = pushed(evaluator, "queue_rating", rating_id)
    assert optimistic == published


@pytest.mark.parametrize("kind, identifier", [(PERSON, PERSON_ID), (ORGANISATION, USCC)])
def test_an_accepted_case_row_matches_the_servers(hall: Hall, kind: str, identifier: str) -> None:
    counter = hall.counter(1)
    counter.sync.sync_once()  # today's case-number block
    choice = next(c for c in counter.catalogue.choices
                  if c.situations and any(r for _, r in c.situations[0].materials))
    situation = choice.situations[0]
    applicant = Applicant(kind, "张三" if kind == PERSON else "东莞示范电梯有限公司", identifier, from_card=False)
    outcome = counter.acceptance.accept(Application(choice, situation.code, applicant,
                                                    tuple(name for name, _ in situation.materials)))
    optimistic, published = pushed(counter.sync, "approval_case", outcome.case_id)
    # Only the server can fill these: the blind index needs its key, the register comparison (信息比对) its
    # registers, and a counter does not know its hall's id.
    server_only = {"applicant_key", "mismatches", "hall_id"}
    assert {k: v for k, v in optimistic.items() if k not in server_only} == \
        {k: v for k, v in published.items() if k not in server_only}
    assert published["applicant_id_masked"] == ("110105********002X" if kind == PERSON else "9135**********0Y43")
    assert uuid.UUID(published["id"])


def test_an_issued_number_row_matches_the_servers(hall: Hall) -> None:
    device = hall.device("dispenser", "numbers")
    day = NOW.date().isoformat()
    device.leases.track("visit", "V", day)
    device.sync_once()  # the live block
    issued, _ = device.leases.issue_number("visit", "V", day, ref="front desk")
    assert issued.kind == "live"
    number_id = next(iter(device.rows("issued_number")))
    optimistic, published = pushed(device, "issued_number", number_id)
    assert published["hall_id"] == hall.hall_id and published["hlc"]  # what only the server's row can hold
    assert {k: v for k, v in optimistic.items() if k not in ("hall_id", "hlc")} == \
        {k: v for k, v in published.items() if k not in ("hall_id", "hlc")}
