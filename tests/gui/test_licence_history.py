"""证照库's 办理历史 against a live server: a licence made at 制证 and then renewed by a 延续 case shows both
cases, oldest first, with each certificate's validity and status; the page is screenshotted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client.services.context import build_services
from client.services.workstation import Workstation
from shared.db.models import Hall
from tests.approval_server.support import TEST_KEYS, add_staff, open_desk
from tests.approval_server.test_licence_cases import _apply, _through_licence
from tests.approval_server.test_licences import granted_licence, licence_of
from tests.client.support import Clock, make_cache
from tests.fixtures.server import login
from tests.gui.client_support import open_window, shoot
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


def test_the_register_shows_which_cases_touched_a_licence(qtbot, server_app, server_url, sqlite_database,  # noqa: ANN001
                                                          tmp_path, screenshot) -> None:
    add_staff(sqlite_database)
    with sqlite_database.session() as s:
        hall = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
    with TestClient(server_app) as http:
        admin = login(http)
        desks = {u: open_desk(http, admin, hall, u) for u in ("clerk", "reviewer", "verifier", "head", "officer")}
        lic = licence_of(sqlite_database, granted_licence(desks, name="张三"))
        case_id, r = _apply(desks, "renew", lic.number)
        assert r["status"] == "accepted", r
        assert _through_licence(desks, case_id)["status"] == "accepted"
    hall_id, windows = demo_hall(sqlite_database)
    device_id, token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="主管工作站")
    ws = Workstation(tmp_path, server_url=server_url, device_id=device_id, device_token=token)
    services = build_services(ws, _signed_in(server_url, device_id, "supervisor"),
                              make_cache(tmp_path / "cache.sqlite3"), clock=Clock())
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace
    workspace.pages.setCurrentWidget(workspace.licences)
    page = workspace.licences
    page.search()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)  # the replaced and the renewed certificate
    valid = next(i for i, row in enumerate(page.result.rows) if row["status"] == "valid")
    page.table.selectRow(valid)
    page.show_history()
    qtbot.waitUntil(lambda: page.history.isVisible(), timeout=10000)
    lines = page.history.text().splitlines()
    assert lines[0] == f"证书编号 {lic.number} 的办理历史："
    assert "制证" in lines[1] and "已换发" in lines[1] and "延续" in lines[2] and "有效" in lines[2], lines
    shoot(qtbot, screenshot, window, "licence-register-history")
    ops.wait()
