"""A clerk's usual window, set by the admin, reaches the workstation by sync: a workstation whose config names
no window (a hot desk) opens the clerk's calling panel at that window; one that names its window keeps it."""

from __future__ import annotations

import requests

from client.services.context import build_services
from client.services.workstation import Workstation
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window, shoot
from tests.gui.test_workstation_sync import _clerk
from tests.sync.support import demo_hall, new_device


def test_the_admins_usual_window_is_the_hot_desks_window(qtbot, server_url, sqlite_database, tmp_path,  # noqa: ANN001
                                                          screenshot) -> None:
    hall_id, windows = demo_hall(sqlite_database)
    admin = requests.post(f"{server_url}/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"},
                          timeout=10).json()["token"]
    auth = {"Authorization": f"Bearer {admin}"}
    staff = requests.get(f"{server_url}/api/v1/admin/halls/{hall_id}/staff", headers=auth, timeout=10).json()
    clerk_id = next(s["id"] for s in staff if s["username"] == "clerk")
    r = requests.patch(f"{server_url}/api/v1/admin/staff/{clerk_id}", json={"window_id": windows[2]}, headers=auth,
                       timeout=10)
    assert r.status_code == 200, r.text
    device_id, token = new_device(sqlite_database, "workstation", hall_id, None, name="hot desk")
    cache = make_cache(tmp_path / "cache.sqlite3")
    hot = Workstation(tmp_path, server_url=server_url, window_number=None, device_id=device_id, device_token=token)
    first = build_services(hot, _clerk(server_url, device_id), cache, clock=Clock())
    first.sync.sync_once()  # the published usual window arrives (as every sync brings the admin's changes)
    s = build_services(hot, _clerk(server_url, device_id), cache, clock=Clock())  # the clerk's next login
    assert s.desk is not None and s.desk.window.number == 3
    window, _, _ = open_window(qtbot, s)
    assert window.workspace.calling is not None
    shoot(qtbot, screenshot, window, "clerk-usual-window")
    fixed = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=token)
    assert build_services(fixed, _clerk(server_url, device_id), cache, clock=Clock()).desk.window.number == 1
