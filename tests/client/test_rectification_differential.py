"""The 差评 loop on workstations against the real server in process, the clock injected on both: the record a
差评 opens reaches the department's handler; the handler's list colours it as the server's API does on each
day (one rule: shared.rating.deadlines); an action taken offline is queued with the record's base and its
optimistic row equals the row the server publishes once the network is back; an action on a record that
moved on meanwhile is refused and rolled back; the workstation's statistics equal the API's."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client.services.auth import StaffSession
from client.services.context import Services, build_services
from client.services.rectification import desk_for
from client.services.workstation import Workstation
from kiosk.flow.evaluator import Rate
from kiosk.services.issuing import TicketDesk
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import load_directory
from server.core.settings import Settings
from server.main import create_app
from server.store.database import Database
from shared.crypto.hall_key import derive_hall_key
from shared.crypto.keys import keys_from_environment
from shared.queue.clock import CHINA_TZ
from shared.queue.printing import PrintState
from shared.queue.ratings import RatingLevel
from shared.queue.tickets import Channel
from tests.approval_server.support import TEST_KEYS
from tests.client.support import Offline
from tests.queue_server.test_row_differential import INDEX_KEY, Hall
from tests.sync.harness.world import template_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)  # a Monday
PASSWORD = "GovHall@2026"


class Clock:
    """One clock for the server and every device: the test moves it."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


class Loop(Hall):
    def __init__(self, tmp: Path, http: TestClient, db: Database, clock: Clock) -> None:
        super().__init__(tmp, http, db)
        self.clock = clock

    def workstation(self, user: str, name: str) -> Services:
        from tests.sync.support import new_device
        device_id, token = new_device(self.db, "workstation", self.hall_id)
        body = self.http.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD,
                                                          "device_id": device_id}).json()
        u = body["user"]
        session = StaffSession(u["username"], u["display_name"], u["staff_no"], tuple(u["roles"]), u.get("hall_id"),
                               u.get("department_id"), body["token"], offline=False)
        data = self.tmp / name
        data.mkdir(exist_ok=True)
        # as provisioning writes it: the hall key that signs the QR codes of notices made offline
        verify_key = derive_hall_key(keys_from_environment(TEST_KEYS), self.hall_id)
        ws = Workstation(data, device_id=device_id, device_token=token, verify_key=verify_key)
        return build_services(ws, session, self.cache(f"{name}/cache", immediate=False), transport=self.transport,
                              clock=self.clock)

    def sign_in_again(self, *services: Services) -> None:
        """Days passed: the staff sign in again (a staff login does not last for days)."""
        for s in services:
            body = self.http.post("/api/v1/auth/login", json={"username": s.session.username, "password": PASSWORD,
                                                              "device_id": s.sync.device_id}).json()
            s.sync.staff_token = body["token"]

    def api(self, path: str, **params) -> dict:  # noqa: ANN003
        token = self.http.post("/api/v1/auth/login", json={"username": "supervisor", "password": PASSWORD}).json()
        r = self.http.get(f"/api/v1/ratings/halls/{self.hall_id}/{path}", params=params,
                          headers={"Authorization": f"Bearer {token['token']}"})
        assert r.status_code == 200, r.text
        return r.json()

    def bad_rating(self) -> str:
        dispenser = self.device("dispenser", "dispenser")
        tickets = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=INDEX_KEY, now=self.clock)
        tickets.track_today()
        dispenser.sync_once()
        a = next(e.business.id for e in tickets.directory.entries if e.business.prefix == "A")
        tickets.settle(tickets.issue(a, Channel.DISPENSER), PrintState.PRINTED)
        dispenser.sync_once()
        counter = self.counter(1)
        counter.sync.sync_once()
        counter.desk.call_next()
        counter.desk.start()
        counter.desk.finish()
        counter.sync.sync_once()
        evaluator = self.device("evaluator", "evaluator", 0)
        evaluator.sync_once()
        rating = RatingDesk(evaluator, load_directory(evaluator.engine), counter.desk.window.id, now=self.clock)
        rating_id = rating.record(Rate(rating.visit_at_window(), RatingLevel.DISSATISFIED, "等候时间太长"))
        evaluator.sync_once()
        assert evaluator.rejected() == []
        return rating_id


@pytest.fixture
def loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)
    shutil.copy(template_db(), tmp_path / "server.sqlite3")
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    clock = Clock()
    app = create_app(Settings(migrate_on_start=False, data_dir=tmp_path), database=db, clock=clock)
    with TestClient(app) as http:
        yield Loop(tmp_path, http, db, clock)
    db.dispose()


def cards(desk) -> dict[str, tuple]:  # noqa: ANN001
    return {v.id: (v.card.stage, v.card.due and v.card.due.isoformat(), v.card.remaining, v.card.card.value)
            for v in desk.records()}


def api_cards(loop: Loop) -> dict[str, tuple]:
    return {r["id"]: (r["awaiting"], r["due"], r["remaining"], r["card"]) for r in loop.api("rectifications")["records"]}


def test_the_workstation_and_the_server_agree_on_the_loop(loop: Loop) -> None:
    loop.counter(1)  # the clerk's counter exists before the approver signs in (bad_rating builds its own)
    rating_id = loop.bad_rating()
    approver = loop.workstation("approver", "approver")
    other = loop.workstation("approver", "approver2")  # the same department on a second desk
    approver.sync.sync_once()
    other.sync.sync_once()
    desk, desk2 = desk_for(approver), desk_for(other)
    assert [v.record["rating_id"] for v in desk.records()] == [rating_id]
    clerk_desk = desk_for(loop.counter(2))
    assert clerk_desk.records() == []  # the counter clerk's department (综合窗口) is not the business's

    for days, expected in ((0, "yellow_card"), (2, "red_card")):
        loop.clock.now = NOW + dt.timedelta(days=days)
        assert cards(desk) == api_cards(loop)
        assert next(iter(cards(desk).values()))[3] == expected
    loop.sign_in_again(approver, other)

    # offline: the verification is decided locally and queued with the record's base
    approver.sync.transport = Offline()
    view = desk.records()[0]
    assert "verify" in view.actions and "review" not in view.actions
    optimistic = desk.act(view.id, "verify", {"contact": "电话回访", "findings": "高峰期窗口不足"})
    assert desk.records()[0].record["status"] == "verified"
    # meanwhile the second desk, online, verifies the same record first
    desk2.act(view.id, "verify", {"contact": "当面回访", "findings": "已核实"})
    other.sync.sync_once()
    assert other.sync.rejected() == []
    approver.sync.transport = loop.transport
    approver.sync.sync_once()
    refused = approver.sync.rejected()
    assert [r.code for r in refused] == ["stale_record"]
    confirmed = approver.sync.confirmed("rating_rectification")[view.id]
    assert confirmed["verification"]["contact"] == "当面回访"  # the loser's action was not applied
    assert desk.records()[0].record == confirmed  # its optimistic row rolled back

    # a clean offline action: its optimistic row is the row the server publishes
    approver.sync.transport = Offline()
    optimistic = desk.act(view.id, "rectify", {"kind": "explained", "text": "已增开窗口并公示说明"})
    assert dict(approver.sync.rows("rating_rectification")[view.id]) == optimistic
    approver.sync.transport = loop.transport
    approver.sync.sync_once()
    assert approver.sync.confirmed("rating_rectification")[view.id] == optimistic
    assert cards(desk) == api_cards(loop)

    day = NOW.date()
    stats = loop.api("statistics", day=day.isoformat())
    assert desk.statistics(day, day) == {k: v for k, v in stats.items() if k not in ("from", "to")}
    assert (stats["bad"], stats["verified"], stats["rectified"], stats["red"]) == (1, 1, 1, 0)
