"""The admin signs in on a workstation and gets 系统管理, not the supervisor's screen: the overview lists the
halls the server knows with their windows and devices; with the server unreachable, an admin call says plainly
that admin edits need the network (nothing queued, nothing half-done)."""

from __future__ import annotations

from client.services.admin_api import OFFLINE, AdminApi, AdminError
from client.services.context import build_services
from client.services.workstation import Workstation
from client.workspaces.admin.workspace import AdminWorkspace
from shared.sync.client import SyncClient
from shared.sync.transport import HttpTransport
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device


def _admin_services(tmp_path, server_url, database):  # noqa: ANN001, ANN202
    hall_id, windows = demo_hall(database)
    device_id, token = new_device(database, "workstation", hall_id, windows[0], name="管理工作站")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=token)
    return build_services(ws, _signed_in(server_url, device_id, "admin"), make_cache(tmp_path / "cache.sqlite3"),
                          clock=Clock())


def test_the_admin_gets_the_admin_workspace_with_the_halls(qtbot, server_url, sqlite_database, tmp_path,
                                                            screenshot) -> None:  # noqa: ANN001
    services = _admin_services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace
    assert isinstance(workspace, AdminWorkspace)
    overview = workspace.page("概览")
    qtbot.waitUntil(lambda: overview.halls.rowCount() > 0, timeout=10000)
    rows = {overview.halls.item(r, 0).text(): [overview.halls.item(r, c).text() for c in range(4)]
            for r in range(overview.halls.rowCount())}
    hall = rows["DG-HALL-1"]
    assert hall[1] and int(hall[2]) > 0 and int(hall[3]) >= 1  # the workstation just registered counts
    assert "已连接服务器" in overview.status.text()
    screenshot(window, "client/admin-overview")
    ops.wait()


def test_admin_calls_offline_are_refused_with_a_reason(qtbot, server_url, sqlite_database, tmp_path,
                                                        dead_url) -> None:  # noqa: ANN001
    services = _admin_services(tmp_path, server_url, sqlite_database)
    offline = SyncClient(services.engine, device_id=services.sync.device_id, token=services.sync.token,
                         transport=HttpTransport(dead_url, connect_timeout=0.5), staff_token=services.sync.staff_token)
    api = AdminApi(offline, timeout=1.0)
    try:
        api.get("/halls")
    except AdminError as exc:
        assert exc.code == OFFLINE and exc.status == 0
    else:
        raise AssertionError("an unreachable server must refuse the admin call")
    window, ops, _ = open_window(qtbot, services)
    workspace = AdminWorkspace(services, ops, api=api)
    qtbot.addWidget(workspace)
    overview = workspace.page("概览")
    qtbot.waitUntil(lambda: "需要联网" in overview.status.text(), timeout=10000)
    assert overview.halls.rowCount() == 0
    ops.wait()


def test_a_refusal_carries_the_servers_code(server_url, sqlite_database, tmp_path) -> None:  # noqa: ANN001
    services = _admin_services(tmp_path, server_url, sqlite_database)
    api = AdminApi(services.sync)
    try:
        api.get("/halls/NO-SUCH-HALL")
    except AdminError as exc:
        assert (exc.code, exc.status) == ("hall_not_found", 404)
        assert "大厅不存在" in exc.message
    else:
        raise AssertionError("an unknown hall must be refused")
