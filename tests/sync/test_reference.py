"""Reference data reaches device caches through hall sync: published once per change, projected into the
cache's ORM tables (so screens query them offline), secrets left out, tombstones applied, stale pages
ignored, and a reset prunes what the server no longer has."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from client.services.catalogue import CatalogueIndex
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from server.sync.reference import publish_all_halls
from shared.db.cache import open_cache
from shared.db.models import Business, CalendarOverride, Centre, Hall, Quota, Situation, StaffUser, Window
from shared.sync import store
from shared.sync.client import SyncClient
from tests.clock import TEMPLATE_PUBLISHED
from tests.fixtures.server import FakeClock, login
from tests.sync.harness.world import template_db
from tests.sync.support import demo_hall, new_device
from tests.sync.test_client_loop import AppTransport


def _world(tmp_path: Path):  # noqa: ANN202
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    hall_id, _ = demo_hall(db)
    clock = FakeClock(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc))
    app = create_app(Settings(migrate_on_start=False, password_iterations=1000), database=db, clock=clock)
    return db, hall_id, app


def _client(db: Database, hall_id: int, http: TestClient, path: Path, kind: str = "workstation") -> SyncClient:
    device_id, token = new_device(db, kind, hall_id)
    return SyncClient(open_cache(path, synchronous_full=True), device_id=device_id, token=token,
                      transport=AppTransport(http))


def _count(engine, model) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_publishing_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    db, _, _ = _world(tmp_path)
    with db.session() as session:
        assert publish_all_halls(session, TEMPLATE_PUBLISHED + dt.timedelta(days=1)) == 0


def test_a_fresh_device_cache_gets_the_hall_and_catalogue(tmp_path: Path) -> None:
    db, hall_id, app = _world(tmp_path)
    with TestClient(app) as http:
        client = _client(db, hall_id, http, tmp_path / "ws.sqlite3")
        client.sync_once()
    engine = client.engine
    assert _count(engine, Hall) == 1 and _count(engine, Window) == 10 and _count(engine, Business) == 6
    assert _count(engine, Situation) == 64
    assert len(CatalogueIndex.load(engine).search("tzsbsydjdt")) == 1
    with Session(engine) as s:
        clerk = s.scalars(select(StaffUser).filter_by(username="clerk")).one()
        assert clerk.display_name == "王晓敏" and clerk.password_hash == ""  # the hash never leaves the server
        assert sorted(r.role for r in clerk.roles) == ["clerk", "licence_officer"]
    for row in client.confirmed("staff_user").values():
        assert "password_hash" not in row and "locked_until" not in row


def test_a_kiosk_cache_gets_the_hall_but_no_staff_list(tmp_path: Path) -> None:
    db, hall_id, app = _world(tmp_path)
    with TestClient(app) as http:
        client = _client(db, hall_id, http, tmp_path / "kiosk.sqlite3", kind="dispenser")
        client.sync_once()
    engine = client.engine
    assert _count(engine, Hall) == 1 and _count(engine, Window) == 10 and _count(engine, Business) == 6
    assert _count(engine, StaffUser) == 0  # no staff list on an unattended device


def test_admin_changes_arrive_and_tombstones_delete(tmp_path: Path) -> None:
    db, hall_id, app = _world(tmp_path)
    with TestClient(app) as http:
        client = _client(db, hall_id, http, tmp_path / "ws.sqlite3")
        client.sync_once()
        admin = login(http)
        assert http.put("/api/v1/admin/calendar/days/2027-01-01", headers=admin,
                        json={"is_workday": False, "notice": "示例"}).status_code == 200
        client.sync_once()
        engine = open_cache(tmp_path / "ws.sqlite3")
        assert _count(engine, CalendarOverride) == 1
        assert http.delete("/api/v1/admin/calendar/days/2027-01-01", headers=admin).status_code == 204
        client.sync_once()
        assert _count(engine, CalendarOverride) == 0


def test_a_stale_page_does_not_bring_back_an_older_row(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "c.sqlite3")
    hall = {"id": 7, "centre_id": 1, "code": "H7", "name": "新名称", "address": ""}
    centre = {"id": 1, "code": "C", "name": "中心"}
    with engine.begin() as conn:
        store.apply_changes(conn, [
            {"table": "centre", "pk": "1", "op": "upsert", "row": centre, "scope": "hall:7", "seq": 1},
            {"table": "hall", "pk": "7", "op": "upsert", "row": hall, "scope": "hall:7", "seq": 5}])
    with engine.begin() as conn:
        store.apply_changes(conn, [{"table": "hall", "pk": "7", "op": "upsert", "scope": "hall:7", "seq": 3,
                                    "row": dict(hall, name="旧名称")}])
    with Session(engine) as s:
        assert s.get(Hall, 7).name == "新名称"


def test_a_reset_prunes_rows_the_server_no_longer_has(tmp_path: Path) -> None:
    engine = open_cache(tmp_path / "c.sqlite3")
    centre = {"id": 1, "code": "C", "name": "中心"}
    with engine.begin() as conn:
        store.apply_changes(conn, [
            {"table": "centre", "pk": "1", "op": "upsert", "row": centre, "scope": "hall:7", "seq": 1},
            {"table": "centre", "pk": "2", "op": "upsert", "row": dict(centre, id=2, code="D"), "scope": "hall:7",
             "seq": 2}])
        store.replace_scope(conn, "hall:7", [{"table": "centre", "pk": "1", "op": "upsert", "row": centre,
                                               "scope": "hall:7", "seq": 9}], 9)
    with Session(engine) as s:
        assert [c.code for c in s.scalars(select(Centre))] == ["C"]


def test_queue_configuration_changes_reach_devices(tmp_path: Path) -> None:
    db, hall_id, app = _world(tmp_path)
    with TestClient(app) as http:
        client = _client(db, hall_id, http, tmp_path / "kiosk.sqlite3")
        client.sync_once()
        rules = client.rows("queue_hall_rules")[str(hall_id)]["rules"]
        assert rules["check_in"] == {"early_minutes": 30, "late_minutes": 15}  # the defaults until an admin acts
        admin = login(http)
        with Session(client.engine) as s:
            business = s.scalars(select(Business).filter_by(prefix="A")).one()
        r = http.put(f"/api/v1/queue/admin/businesses/{business.id}/quota", headers=admin,
                     json={"daily_limit": 5, "am_limit": None, "pm_limit": None, "opens_at": "09:00:00",
                           "closes_at": "17:00:00", "lunch_start": None, "lunch_end": None, "paused": True})
        assert r.status_code == 200, r.text
        rules["check_in"]["late_minutes"] = 20
        assert http.put(f"/api/v1/queue/admin/halls/{hall_id}/rules", headers=admin, json=rules).status_code == 200
        client.sync_once()
        assert client.rows("queue_hall_rules")[str(hall_id)]["rules"]["check_in"]["late_minutes"] == 20
    with Session(client.engine) as s:
        quota = s.get(Quota, business.id)
        assert quota.daily_limit == 5 and quota.paused
