"""The year an admin imports reaches a workstation on its next pull: before it, the workstation's calendar does
not know 2027 (its deadline screens warn); after one pull it counts with the imported holidays. SQLite and
(marker pg) PostgreSQL; the server's clock is pinned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from client.services.reference import PublishedCalendar
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.calendar_warning import calendar_warning
from shared.db.cache import open_cache
from shared.sync.client import SyncClient
from tests.fixtures.server import FakeClock, login
from tests.server.test_admin_calendar import CSV_2027, NOTICE
from tests.sync.support import demo_hall, new_device
from tests.sync.test_client_loop import AppTransport


def test_an_imported_year_reaches_the_workstation_on_its_next_pull(database: Database, tmp_path: Path) -> None:
    clock = FakeClock(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc))
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=database, clock=clock)
    hall_id, _ = demo_hall(database)
    device_id, token = new_device(database, "workstation", hall_id)
    with TestClient(app) as http:
        sync = SyncClient(open_cache(tmp_path / "ws.sqlite3"), device_id=device_id, token=token,
                          transport=AppTransport(http))
        sync.sync_once()
        calendar = PublishedCalendar(sync.engine, sync)
        warning = calendar_warning(calendar, dt.date(2026, 12, 2))
        assert warning is not None and warning.year == 2027 and warning.late

        r = http.post("/api/v1/admin/calendar/years/2027/import", headers=login(http),
                      json={"text": CSV_2027, "notice": NOTICE})
        assert r.status_code == 200, r.text
        assert not calendar.knows_year(2027)  # nothing changes on the workstation until it pulls

        sync.pull()
        assert calendar.knows_year(2027)
        assert calendar_warning(calendar, dt.date(2026, 12, 2)) is None
        assert calendar.is_workday(dt.date(2027, 2, 6)) and not calendar.is_workday(dt.date(2027, 2, 11))
        assert calendar.add_workdays(dt.date(2027, 2, 9), 2) == dt.date(2027, 2, 16)
