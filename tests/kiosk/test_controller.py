"""The hall controller against a live server and the BX LED simulators (one per card, on TCP as a networked
card would be): a call at window 3 reaches window 3's screen within a bound, a pause shows the paused text, a
card unplugged and plugged back gets the current state (its fault and recovery reach the server as facts),
the hall strip scrolls the admin's notice."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid

import pytest
import requests

from drivers.config import settings_from_mapping
from drivers.sim.led import LedSimulator
from kiosk.config import KioskConfig
from kiosk.controller.app import HallController
from kiosk.controller.config import ControllerConfig, card_of
from tests.drivers.conftest import sim_host, wait_for  # noqa: F401  (sim_host: a fixture)
from tests.kiosk.test_end_to_end import after_issue, counter, issued_tickets
from tests.sync.support import new_device

CALL_BOUND = 3.0  # seconds from the clerk's push to window 3's screen (measured: well under a second here)


@pytest.fixture
def controller(hall, cache_template, tmp_path, sim_host):  # noqa: ANN001, ANN201
    """start(clock) → (controller, {card name: simulator}, {card name: SimHost}); stopped afterwards."""
    db, url, hall_id, _ = hall
    made: list[HallController] = []

    def start(clock, keepalive: float = 10.0, by_admin: dict[str, int] | None = None):  # noqa: ANN001, ANN202
        """`by_admin`: cards whose config names no address, with the bus address their simulator answers at
        (the admin sets it; it reaches the controller by sync)."""
        by_admin = by_admin or {}
        device_id, token = new_device(db, "controller", hall_id)
        cache = tmp_path / "controller.sqlite3"
        shutil.copyfile(cache_template, cache)
        sims, hosts, cards = {}, {}, []
        for name, role, window, address in (("w1", "window", 1, 1), ("w3", "window", 3, 3),
                                            ("strip", "strip", None, 200)):
            sims[name] = LedSimulator(address=by_admin.get(name, address))
            hosts[name] = sim_host(sims[name], "tcp")
            section = {"role": role, "protocol": "bx", "port": hosts[name].url,
                       "timeout": 0.3, **({"window": window} if window else {}),
                       **({} if name in by_admin else {"address": address})}
            cards.append(card_of(name, settings_from_mapping(f"card-{name}", section)))
        config = ControllerConfig(KioskConfig(mode="controller", server=url, device_id=device_id, token=token,
                                              hall="DG-HALL-1", cache=cache), cards, keepalive=keepalive,
                                  retry=0.2)
        made.append(HallController(config, clock=clock, poll_timeout=1.0))  # short: a quick teardown
        made[-1].start()
        return made[-1], sims, hosts

    yield start
    for c in made:
        c.stop()


def _call(clerk, ticket_id: str, window_id: int, at: dt.datetime) -> None:  # noqa: ANN001
    clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id, "window_id": window_id,
                                   "mode": "next", "at": at.isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []


def test_a_call_at_window_3_shows_on_its_screen_and_a_pause_shows_paused(hall, cache, tmp_path,
                                                                          controller) -> None:  # noqa: ANN001
    _, _, _, windows = hall
    ticket_id = issued_tickets(hall, cache, 1)[0]
    clock = after_issue()
    ctl, sims, _ = controller(clock)
    assert wait_for(lambda: sims["w3"].texts == {0: "3号窗口", 1: "欢迎办理"}, timeout=5)
    welcome = f"欢迎光临{ctl.directory.hall_name}"
    assert wait_for(lambda: sims["strip"].texts == {0: welcome}, timeout=5)  # no notice set yet

    clerk = counter(hall, tmp_path / "counter.sqlite3", 2)  # window 3
    clerk.sync_once()
    started = time.monotonic()
    _call(clerk, ticket_id, windows[2], clock())
    assert wait_for(lambda: sims["w3"].texts.get(0) == "A001", timeout=CALL_BOUND, interval=0.005)
    took = time.monotonic() - started
    assert sims["w3"].texts == {0: "A001", 1: "请到3号窗口"}, took
    assert sims["w1"].texts == {0: "1号窗口", 1: "欢迎办理"}  # the other windows keep their own screens

    for name in ("queue.start", "queue.finish"):
        clerk.submit(name, 1, {"ticket_id": ticket_id, "window_id": windows[2],
                               "at": (clock() + dt.timedelta(seconds=1)).isoformat()})
    clerk.sync_once()
    assert wait_for(lambda: sims["w3"].texts.get(1, "").endswith("为您服务"), timeout=CALL_BOUND)
    # the clerk who served there today, from the window's badge (the controller has no staff list)
    assert sims["w3"].texts == {0: "3号窗口", 1: "王晓敏 为您服务"}
    assert not ctl.sync.confirmed("staff_user")

    clerk.submit("queue.pause", 1, {"window_id": windows[2], "at": (clock() + dt.timedelta(seconds=2)).isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []
    assert wait_for(lambda: sims["w3"].texts == {0: "3号窗口", 1: "暂停服务"}, timeout=CALL_BOUND)


def test_a_card_unplugged_and_replugged_gets_the_current_state(hall, cache, tmp_path, controller) -> None:  # noqa: ANN001
    db, url, _, windows = hall
    ticket_id = issued_tickets(hall, cache, 1)[0]
    clock = after_issue()
    ctl, sims, hosts = controller(clock, keepalive=0.5)
    assert wait_for(lambda: sims["w3"].texts.get(1) == "欢迎办理", timeout=5)

    hosts["w3"].drop()  # the card's cable is pulled: the keepalive finds it gone
    worker = next(w for w in ctl.workers if w.card.name == "w3")
    assert wait_for(lambda: worker.fault == "led_unreachable", timeout=5)
    clerk = counter(hall, tmp_path / "counter.sqlite3", 2)
    clerk.sync_once()
    _call(clerk, ticket_id, windows[2], clock())  # called while the card is away
    assert wait_for(lambda: ctl.decide()["w3"].lines[0] == "A001", timeout=5)
    assert sims["w3"].texts.get(0) != "A001"

    shown_before = len(sims["w3"].history)
    hosts["w3"].restore()  # plugged back: it gets the current state, not what it showed before
    assert wait_for(lambda: sims["w3"].texts == {0: "A001", 1: "请到3号窗口"}, timeout=5)
    assert len(sims["w3"].history) > shown_before
    assert wait_for(lambda: worker.fault is None, timeout=2)

    # Its fault and its recovery reached the server as facts; the device list shows it healthy again.
    ctl.sync.sync_once()
    with db.session() as session:
        from server.sync.models import SyncFact
        from sqlalchemy import select
        kinds = [(f.kind, f.body["part"], f.body["code"]) for f in session.scalars(
            select(SyncFact).where(SyncFact.device_id == ctl.sync.device_id)).all()]
    assert kinds == [("device_fault", "w3", "led_unreachable"), ("device_recovered", "w3", "led_unreachable")]


def test_the_strip_scrolls_the_admins_notice(hall, cache, controller) -> None:  # noqa: ANN001
    _, url, hall_id, _ = hall
    ctl, sims, _ = controller(after_issue())
    login = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"},
                          timeout=10).json()["token"]
    text = "今日 12:00-13:00 午间不停办，请有序排队"
    r = requests.put(f"{url}/api/v1/halls/{hall_id}/notice", json={"text": text},
                     headers={"Authorization": f"Bearer {login}"}, timeout=10)
    assert r.status_code == 200, r.text
    assert wait_for(lambda: sims["strip"].texts == {0: text}, timeout=CALL_BOUND)


def test_a_window_cards_address_comes_from_the_admin_by_sync(hall, cache, controller) -> None:  # noqa: ANN001
    """The config names window 3's card and its bus but no address: nothing is sent until the admin sets the
    window's LED address (17); then window 3's card — and only it — shows window 3's screen. A new address
    (from a card swapped for one at 21) moves the screen there without touching the config."""
    _, url, hall_id, windows = hall
    ctl, sims, _ = controller(after_issue(), by_admin={"w3": 17})
    assert wait_for(lambda: sims["w1"].texts == {0: "1号窗口", 1: "欢迎办理"}, timeout=5)
    worker = next(w for w in ctl.workers if w.card.name == "w3")
    assert worker.address is None and sims["w3"].texts == {}
    login = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"},
                          timeout=10).json()["token"]
    admin = {"Authorization": f"Bearer {login}"}
    r = requests.patch(f"{url}/api/v1/admin/windows/{windows[2]}", json={"led_address": "17"}, headers=admin,
                       timeout=10)
    assert r.status_code == 200, r.text
    assert wait_for(lambda: sims["w3"].texts == {0: "3号窗口", 1: "欢迎办理"}, timeout=5)
    assert worker.address == 17 and worker.fault is None
    bad = requests.patch(f"{url}/api/v1/admin/windows/{windows[2]}", json={"led_address": "70000"}, headers=admin,
                         timeout=10)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "led_address_invalid"
    sims["w3"].address = 21  # the card is replaced by one at another address; the admin enters it
    r = requests.patch(f"{url}/api/v1/admin/windows/{windows[2]}", json={"led_address": "21"}, headers=admin,
                       timeout=10)
    assert r.status_code == 200, r.text
    assert wait_for(lambda: worker.address == 21 and worker.fault is None and worker.shown is not None, timeout=5)
