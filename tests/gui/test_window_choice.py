"""选择窗口 at sign-in: on a workstation whose workstation.toml names no window, a clerk who signs in (through
the real ClientApp) is shown the hall's windows with the usual window the admin set preselected, may take
another free window and the calling panel opens there; offline, the cached rows give the same choice. A window
where another clerk is serving now cannot be taken."""

from __future__ import annotations

import datetime as dt

import requests

from client.app import ClientApp, parse_args
from client.dialogs.window_choice import WindowChoiceDialog
from client.services.window_choice import WindowChoice, WindowOption, window_choice
from gui.qt import QApplication
from tests.gui.client_support import OPEN_OPS, shoot
from tests.sync.support import demo_hall, new_device

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 China time


def _set_usual_window(server_url: str, hall_id: int, window_id: int) -> None:
    body = {"username": "admin", "password": "GovHall@2026"}
    admin = requests.post(f"{server_url}/api/v1/auth/login", json=body, timeout=10).json()["token"]
    auth = {"Authorization": f"Bearer {admin}"}
    staff = requests.get(f"{server_url}/api/v1/admin/halls/{hall_id}/staff", headers=auth, timeout=10).json()
    clerk_id = next(s["id"] for s in staff if s["username"] == "clerk")
    r = requests.patch(f"{server_url}/api/v1/admin/staff/{clerk_id}", json={"window_id": window_id},
                       headers=auth, timeout=10)
    assert r.status_code == 200, r.text


def _sign_in(qtbot, client) -> None:  # noqa: ANN001
    qtbot.addWidget(client.login)
    client.show()
    qtbot.keyClicks(client.login.username, "clerk")
    qtbot.keyClicks(client.login.password, "GovHall@2026")
    client.login.submit.click()
    qtbot.waitUntil(lambda: client.window_choice is not None and client.window_choice.isVisible(),
                    timeout=30000)
    qtbot.addWidget(client.window_choice)


def test_a_hot_desk_offers_the_usual_window_and_takes_another(qtbot, server_url, sqlite_database, tmp_path,
                                                              dead_url, screenshot) -> None:  # noqa: ANN001
    hall_id, windows = demo_hall(sqlite_database)
    _set_usual_window(server_url, hall_id, windows[2])  # window 3
    device_id, token = new_device(sqlite_database, "workstation", hall_id, None, name="hot desk")
    (tmp_path / "workstation.toml").write_text(
        f'[workstation]\nserver = "{server_url}"\ndevice_id = "{device_id}"\ndevice_token = "{token}"\n',
        encoding="utf-8")
    client = ClientApp(parse_args(["--data-dir", str(tmp_path)]), QApplication.instance())
    OPEN_OPS.append(client.ops)
    try:
        _sign_in(qtbot, client)
        dialog = client.window_choice
        assert dialog.choice.usual == 3 and dialog.selected() == 3
        assert "常用" in dialog.list.currentItem().text() and dialog.ok_button.isEnabled()
        assert [o.number for o in dialog.choice.options] == sorted(o.number for o in dialog.choice.options)
        screenshot(dialog, "client/window-choice")
        dialog.select(5)
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: client.window is not None, timeout=20000)
        qtbot.addWidget(client.window)
        assert client.window.workspace.calling is not None
        assert client.window.services.desk.window.number == 5
        shoot(qtbot, screenshot, client.window, "clerk-window-chosen")
    finally:
        client.shutdown()

    # Offline (the server unreachable): the clerk signs in offline and the cached rows propose window 3 again.
    args = parse_args(["--data-dir", str(tmp_path), "--server", dead_url])
    offline = ClientApp(args, QApplication.instance())
    OPEN_OPS.append(offline.ops)
    try:
        _sign_in(qtbot, offline)
        assert offline.window_choice.selected() == 3
        offline.window_choice.none_button.click()  # at no window this session: no calling panel
        qtbot.waitUntil(lambda: offline.window is not None, timeout=20000)
        qtbot.addWidget(offline.window)
        assert offline.window.services.desk is None
    finally:
        offline.shutdown()


class _Rows:
    """The synced rows a workstation's cache holds (SyncClient.rows)."""
    def __init__(self, tables: dict[str, dict[str, dict]]) -> None:
        self.tables = tables

    def rows(self, table: str) -> dict[str, dict]:
        return self.tables.get(table, {})


def test_a_window_another_clerk_serves_at_is_not_free(qtbot, screenshot) -> None:  # noqa: ANN001
    from client.services.reference import Reference
    from shared.queue.config import Window, WindowService
    serves = (WindowService(1),)
    reference = Reference(1, "大厅", "中心", "", "C", "H", {
        11: Window(11, 1, serves, "综合窗口一", True), 12: Window(12, 2, serves, "综合窗口二", True),
        13: Window(13, 3, serves, "停用窗口", False)}, staff={"clerk2": "李四"})
    ticket = {"day": "2026-11-23", "state": "serving", "window_id": 11, "clerk": "clerk2"}
    rows = _Rows({"staff_usual_window": {"7": {"username": "clerk", "window_number": 1}},
                  "queue_ticket": {"t1": ticket,
                                   "t2": {**ticket, "day": "2026-11-22", "window_id": 12},  # yesterday's
                                   "t3": {**ticket, "window_id": 12, "clerk": "clerk"}}})  # the clerk's own
    choice = window_choice(rows, reference, "clerk", NOW)
    assert choice.usual == 1 and [o.number for o in choice.options] == [1, 2]  # 停用 not offered
    assert choice.option(1).taken_by == "李四" and choice.option(2).free
    assert choice.preselected == 2  # the usual window is taken: the first free one
    dialog = WindowChoiceDialog(choice, "张三")
    qtbot.addWidget(dialog)
    assert "有其他工作人员在办理" in dialog.hint.text() and dialog.selected() == 2
    dialog.select(1)
    assert dialog.selected() is None and not dialog.ok_button.isEnabled()  # cannot be taken
    assert "李四 正在办理" in dialog.list.item(0).text()
    dialog.show()
    dialog.select(2)
    screenshot(dialog, "client/window-choice-taken")
    none = WindowChoiceDialog(WindowChoice(None, (WindowOption(1, "综合窗口一", "李四"),)))
    qtbot.addWidget(none)
    assert none.choice.preselected is None and not none.ok_button.isEnabled()


def test_both_first_screens_fit_a_small_screen_in_large_type(qtbot, tmp_path, screenshot) -> None:  # noqa: ANN001
    """扫码登记本机 with a two-line refusal and 选择窗口 with a hall's ten windows, at 大字体: within 1366×768 and
    no label cut short."""
    from client.services.workstation import load_workstation
    from client.widgets.type_size import TypeSize, apply_type_size
    from client.windows.enrol import EnrolDialog
    from gui.ops import Ops
    from gui.qt import QLabel
    apply_type_size(TypeSize(True))
    try:
        ops = Ops()
        OPEN_OPS.append(ops)
        enrol = EnrolDialog(load_workstation(tmp_path), ops, wedge=False)
        enrol._failed(Exception("磁盘已满，无法写入 workstation.toml（No space left on device）"))
        choice = WindowChoice(3, tuple(WindowOption(n, f"{n}号窗口", "李四" if n == 3 else None)
                                       for n in range(1, 11)))
        pick = WindowChoiceDialog(choice, "王晓敏")
        for dialog, name in ((enrol, "client/enrol-large-type"), (pick, "client/window-choice-large-type")):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            assert dialog.width() <= 1366 and dialog.height() <= 768, (name, dialog.size())
            for label in dialog.findChildren(QLabel):
                if label.isVisible() and label.wordWrap():
                    assert label.height() >= label.heightForWidth(label.width()), (name, label.text())
            screenshot(dialog, name)
        assert pick.selected() == 1  # the usual window is taken: the first free one
    finally:
        apply_type_size(TypeSize(False))
