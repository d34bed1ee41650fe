"""The calendar, hall rules and workflow definitions an admin publishes reach an offline device in one sync and
decide its next action: a case accepted offline near the year's end counts its deadline with the weekday rule
(provisional: 2027 is not in the packaged holiday data) until the admin enters 2027; one pull later the same
case's deadline is the server's. Times are pinned; no wall clock. On SQLite and (marker pg) PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.context import build_services
from client.services.workstation import Workstation
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from server.core.settings import Settings
from shared.approval.definition import ADMINISTRATIVE_LICENCE
from server.main import create_app
from server.store.database import Database
from shared.db.cache import open_cache
from shared.queue.clock import CHINA_TZ
from shared.queue.errors import IssueRefused
from shared.queue.tickets import Channel
from shared.sync.client import SyncClient
from tests.client.support import Clock, grant_case_numbers, staff
from tests.fixtures.server import FakeClock, login
from tests.sync.support import demo_hall, new_device
from tests.sync.test_client_loop import AppTransport

ID = "11010519491231002X"
ACCEPTED = dt.datetime(2026, 12, 21, 10, 0, tzinfo=CHINA_TZ)  # a Monday; a 20-day limit ends in January 2027


def _server(db: Database):  # noqa: ANN202
    clock = FakeClock(ACCEPTED.astimezone(dt.timezone.utc))
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=db, clock=clock)
    return db, app


def _licence_application(services) -> Application:  # noqa: ANN001
    choice = next(c for c in services.catalogue.choices if c.category == ADMINISTRATIVE_LICENCE
                  and c.statutory_limit_days >= 10 and c.situations)
    situation = choice.situations[0]
    return Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                       tuple(name for name, _ in situation.materials))


def test_a_year_entered_by_the_admin_changes_an_offline_clients_deadline_after_one_sync(
        database: Database, tmp_path: Path) -> None:
    db, app = _server(database)
    hall_id, _ = demo_hall(db)
    device_id, token = new_device(db, "workstation", hall_id)
    with TestClient(app) as http:
        transport = AppTransport(http)
        ws = Workstation(tmp_path, window_number=None, device_id=device_id, device_token=token)
        clock = Clock(ACCEPTED)
        engine = open_cache(tmp_path / "ws.sqlite3")
        # the catalogue, the definitions and the calendar as published today (what a login would find)
        SyncClient(engine, device_id=device_id, token=token, transport=transport).sync_once()
        s = build_services(ws, staff("clerk"), engine, transport=transport, clock=clock)
        transport.down = True  # offline from here on: the case is accepted and counted locally
        grant_case_numbers(s.engine, ACCEPTED.date(), 5, 9)
        outcome = s.acceptance.accept(_licence_application(s))
        before = s.cases.detail(outcome.case_id).view.statutory
        assert before is not None and before.unknown_years == (2027,)  # provisional: 2027 is not published

        admin = login(http)
        # The State Council notice for 2027, entered by the admin: New Year's Day is a holiday, and the year
        # is published (every other day of it follows the weekday rule).
        assert http.put("/api/v1/admin/calendar/days/2027-01-01", headers=admin,
                        json={"is_workday": False, "notice": "国办发明电〔2026〕示例"}).status_code == 200
        assert http.put("/api/v1/admin/calendar/years/2027", headers=admin,
                        json={"notice": "国办发明电〔2026〕示例"}).status_code == 204
        # Still offline: nothing changes until the device syncs.
        assert s.cases.detail(outcome.case_id).view.statutory.due == before.due

        transport.down = False
        s.sync.pull()  # one sync (a pull: the offline acceptance stays in the outbox)
        after = s.cases.detail(outcome.case_id).view.statutory
        assert after.unknown_years == ()
        assert after.due == s.cases.calendar.add_workdays(before.due, 1)  # one holiday more in the window
        assert after.due != before.due
        # ... and it is the deadline the server counts for the same start and limit.
        server_calendar = http.get("/api/v1/calendar/due", params={
            "start": before.start.isoformat(), "workdays": before.budget}).json()
        assert dt.date.fromisoformat(server_calendar["due"]) == after.due


def test_a_lunch_rule_the_admin_publishes_wakes_the_kiosk_and_decides_its_next_ticket(
        database: Database, tmp_path: Path) -> None:
    db, app = _server(database)
    hall_id, _ = demo_hall(db)
    device_id, token = new_device(db, "dispenser", hall_id)
    lunch = dt.datetime(2026, 12, 21, 12, 15, tzinfo=CHINA_TZ)
    with TestClient(app) as http:
        sync = SyncClient(open_cache(tmp_path / "kiosk.sqlite3"), device_id=device_id, token=token,
                          transport=AppTransport(http))
        sync.sync_once()
        directory = load_directory(sync.engine)
        desk = TicketDesk(sync, directory, now=lambda: lunch)
        entry = next(e for e in directory.entries if e.quota is not None and e.quota.lunch_start is not None
                     and e.quota.lunch_start <= lunch.time() < e.quota.lunch_end and e.business.active)
        desk.admit(entry.business.id, Channel.DISPENSER)  # the demo hall keeps issuing over lunch
        cursor = sync.cursors()[f"hall:{hall_id}"]
        device = {"Authorization": f"Bearer {token}"}
        # The event hub learns the hall's cursor from its first waiter; after that only a wake-up moves it.
        learnt = http.get("/api/v1/sync/events", params={"since": cursor, "timeout": 0}, headers=device).json()
        assert learnt == {"changed": False, "seq": cursor}

        admin = login(http)
        assert http.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=admin,
                        json={"lunch_closed": True}).status_code == 200
        # The change woke the hall's waiting devices: "pull now" at once (unwoken, this would time out false).
        woken = http.get("/api/v1/sync/events", params={"since": cursor, "timeout": 5}, headers=device)
        assert woken.status_code == 200, woken.text
        assert woken.json()["changed"] is True

        sync.pull()
        try:
            desk.admit(entry.business.id, Channel.DISPENSER)
        except IssueRefused as refused:
            assert refused.code == "lunch_break"
        else:
            raise AssertionError("the published lunch rule was not used by the next decision")
