"""A 催办 reaches the approver's desktop: the server's alert for the approver role travels through sync into
the workstation's cache, and the main window pops it up (system tray message, status bar line) once; an alert
already there at sign-in is not popped again."""

from __future__ import annotations

import datetime as dt

from gui.qt import QSystemTrayIcon
from client.services.context import build_services
from client.services.workstation import Workstation
from server.notify.outbox import notify
from server.sync import changes
from shared.sync.loop import SyncLoop
from tests.client.support import Clock, make_cache
from tests.gui.client_support import open_window, shoot
from tests.gui.test_device_alerts import _signed_in
from tests.gui.test_workstation_sync import PII_KEYS
from tests.sync.support import demo_hall, new_device

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)


def _alert(db, app, hall_id: int, event: str, key: str, params: dict) -> None:  # noqa: ANN001
    """The alert as the server's urging writes it, and the hall's devices woken as the server wakes them after
    its own commits (the device's sync loop syncs on events; its timer alone would take 20 s)."""
    with db.session() as s:
        notify(s, event, hall_id=hall_id, now=NOW, key=key, role="approver", params=params,
               publish=lambda scope, table, pk, row: changes.publish(s, hall_id, scope, table, pk, row, now=NOW))
    with db.read_session() as s:
        app.state.sync_hub.notify(hall_id, changes.current_seq(s, hall_id))


def test_an_urge_pops_up_on_the_approvers_desktop(qtbot, server_app, server_url, sqlite_database, tmp_path,
                                                 monkeypatch, screenshot) -> None:  # noqa: ANN001
    for name, value in PII_KEYS.items():
        monkeypatch.setenv(name, value)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", lambda self, title, text, *a: shown.append((title, text)))
    hall_id, windows = demo_hall(sqlite_database)
    _alert(sqlite_database, server_app, hall_id, "new_todo", "old", {"item": "食品经营许可", "case_no": "DG20260001", "step": "审查"})
    device_id, token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="审批工作站")
    ws = Workstation(tmp_path, server_url=server_url, window_number=1, device_id=device_id, device_token=token)
    s = build_services(ws, _signed_in(server_url, device_id, "approver"), make_cache(tmp_path / "cache.sqlite3"),
                       clock=Clock())
    s.sync.sync_once()
    window, ops, _ = open_window(qtbot, s)
    loop = SyncLoop(s.sync, poll_timeout=1.0)
    loop.start()
    try:
        qtbot.waitUntil(lambda: window.alerts.known is not None, timeout=5000)
        assert window.alert_tray.shown == []  # the alert from before sign-in is not popped
        _alert(sqlite_database, server_app, hall_id, "urged", "K1:3", {"case_no": "DG20260007", "message": "群众反映较急，请今日办结"})
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=8000)
        assert shown == [("催办（1条）", "催办：办件DG20260007——群众反映较急，请今日办结")]
        assert window.statusBar().currentMessage() == "催办：办件DG20260007——群众反映较急，请今日办结"
        shoot(qtbot, screenshot, window, "approver-urge-alert")
        window.alerts.refresh()
        qtbot.wait(300)
        assert len(shown) == 1  # once
    finally:
        loop.stop()
        ops.wait()
