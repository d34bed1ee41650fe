"""Drive the admin pages the way an administrator does — type into the forms, press the buttons, wait for the
server's answer in the status line — so journeys can set a hall up from nothing:

    create_centre(qtbot, workspace, "NEW-C", "新区政务服务中心")   # on a fresh server
    hall_id = create_hall(qtbot, workspace, "NEW-1", "新区大厅", "新区一路1号")
    add_floor(qtbot, workspace, "NEW-1", 1, "一楼")
    add_window(qtbot, workspace, "NEW-1", 1, "综合窗口", floor="一楼", led="1")
    add_business(qtbot, workspace, "NEW-1", "A", "综合业务", daily=100, am=60, pm=40)
    serve(qtbot, workspace, "NEW-1", window=1, prefix="A")
    password = add_clerk(qtbot, workspace, "NEW-1", "zhangsan", "张三", "NEW0001", window=1)

Every step raises AssertionError with the page's Chinese refusal when the server refuses it; `expect` names
the refusal code a step should meet instead (then nothing is returned)."""

from __future__ import annotations

from collections.abc import Callable

from gui.qt import QWidget

TIMEOUT = 30000  # a shared CI machine under load


def settle(qtbot, page: QWidget) -> None:  # noqa: ANN001
    """Until nothing is in flight: every server call answered and its answer shown, including the reloads an
    answer starts (a page's loads may overlap; waiting for "a" reload could see an older one)."""
    ops = page.context.ops
    for _ in range(200):
        assert ops.wait(TIMEOUT), "the admin page's server calls did not finish"
        qtbot.wait(30)  # deliver the answers on the GUI thread; they may start further calls
        if ops.wait(0):
            return
    raise AssertionError("the admin page kept calling the server")


def wait_loaded(qtbot, page: QWidget) -> None:  # noqa: ANN001
    settle(qtbot, page)


def act(qtbot, page: QWidget, press: Callable[[], None], expect: str | None = None) -> str:  # noqa: ANN001
    """Press, then wait for the answer and everything it reloads. Returns the status text."""
    settle(qtbot, page)
    page.status.setText("")
    press()
    qtbot.waitUntil(lambda: page.status.text() != "", timeout=TIMEOUT)
    settle(qtbot, page)
    code = page.status.refused_code
    if expect is not None:
        assert code == expect, f"expected {expect}, got {code or 'success'}: {page.status.text()}"
        return page.status.text()
    assert not code, f"refused ({code}): {page.status.text()}"
    return page.status.text()


def pick_hall(qtbot, page: QWidget, code: str) -> None:  # noqa: ANN001
    settle(qtbot, page)
    if code not in [h["code"] for h in page.hall.halls]:
        page.hall.load(code)
        settle(qtbot, page)
    codes = [h["code"] for h in page.hall.halls]
    assert code in codes, f"no hall {code} among {codes}"
    if page.hall.current()["code"] != code:
        page.hall.setCurrentIndex(codes.index(code))
        settle(qtbot, page)


def create_centre(qtbot, workspace, code: str, name: str, expect: str | None = None) -> None:  # noqa: ANN001
    """A 政务服务中心: on a fresh server there is none, and a hall belongs to one. Selected for the next hall."""
    page = workspace.page("组织机构")
    page.centre_code.setText(code)
    page.centre_name.setText(name)
    act(qtbot, page, page.create_centre, expect)
    if expect is None:
        assert page.centre.currentText().startswith(code + " "), page.centre.currentText()


def create_hall(qtbot, workspace, code: str, name: str, address: str = "", expect: str | None = None):  # noqa: ANN001, ANN201
    """A hall of the centre selected on the page (the last one created, else the first)."""
    page = workspace.page("组织机构")
    settle(qtbot, page)
    page.hall_code.setText(code)
    page.hall_name.setText(name)
    page.hall_address.setText(address)
    act(qtbot, page, page.create_hall, expect)
    if expect is None:
        assert page.hall.current() is not None and page.hall.current()["code"] == code
        return page.hall.hall_id()
    return None


def add_floor(qtbot, workspace, hall: str, level: int, name: str, expect: str | None = None) -> None:  # noqa: ANN001
    page = workspace.page("组织机构")
    pick_hall(qtbot, page, hall)
    page.floor_level.setValue(level)
    page.floor_name.setText(name)
    act(qtbot, page, page.create_floor, expect)


def add_window(qtbot, workspace, hall: str, number: int, name: str, floor: str | None = None,  # noqa: ANN001
               led: str | None = None, open_: bool = True, expect: str | None = None) -> None:
    page = workspace.page("组织机构")
    pick_hall(qtbot, page, hall)
    page.window_number.setValue(number)
    page.window_name.setText(name)
    page.window_floor.setCurrentIndex(page.window_floor.findText(floor) if floor else 0)
    page.window_led.setText(led or "")
    page.window_open.setChecked(open_)
    act(qtbot, page, page.create_window, expect)


def add_business(qtbot, workspace, hall: str, prefix: str, name: str, *, daily: int | None = None,  # noqa: ANN001
                 am: int | None = None, pm: int | None = None, opens: str = "09:00", closes: str = "17:30",
                 lunch: tuple[str, str] | None = None, expect_quota: str | None = None) -> None:
    """A business and its quota (None limits: unlimited)."""
    page = workspace.page("排队规则")
    pick_hall(qtbot, page, hall)
    page.businesses.clearSelection()
    page.prefix.setText(prefix)
    page.name.setText(name)
    page.code.setText(prefix)
    act(qtbot, page, page.create_business)
    select_business(qtbot, page, prefix)
    set_quota(qtbot, page, daily=daily, am=am, pm=pm, opens=opens, closes=closes, lunch=lunch)
    act(qtbot, page, page.save_quota, expect_quota)


def select_business(qtbot, page, prefix: str) -> None:  # noqa: ANN001
    prefixes = [b["prefix"] for b in page.config["businesses"]]
    assert prefix in prefixes, f"no business {prefix} on the page: {prefixes}"
    page.businesses.selectRow(prefixes.index(prefix))
    page._picked()  # the saved values again, also when the row was already selected


def set_quota(qtbot, page, *, daily=None, am=None, pm=None, opens="09:00", closes="17:30", lunch=None) -> None:  # noqa: ANN001
    for box, value in ((page.daily, daily), (page.am, am), (page.pm, pm)):
        box.setValue(-1 if value is None else value)
    page.opens.setText(opens)
    page.closes.setText(closes)
    page.lunch_start.setText(lunch[0] if lunch else "")
    page.lunch_end.setText(lunch[1] if lunch else "")


def serve(qtbot, workspace, hall: str, window: int, prefix: str, level: int = 1) -> None:  # noqa: ANN001
    page = workspace.page("排队规则")
    pick_hall(qtbot, page, hall)
    row = [w["number"] for w in page.config["windows"]].index(window)
    col = [b["prefix"] for b in page.config["businesses"]].index(prefix)
    page.levels.cellWidget(row, col).setValue(level)
    act(qtbot, page, page.save_levels)


def add_clerk(qtbot, workspace, hall: str, username: str, display_name: str, staff_no: str,  # noqa: ANN001
              window: int | None = None, roles: tuple[str, ...] = ("clerk",), password: str | None = None,
              expect: str | None = None) -> str | None:
    """A staff member; returns the initial password to hand over (changed at the first login)."""
    page = workspace.page("人员")
    pick_hall(qtbot, page, hall)
    page.people.clearSelection()
    page.username.setText(username)
    page.display_name.setText(display_name)
    page.staff_no.setText(staff_no)
    page.window.setCurrentIndex(page.window.findText(f"{window}号", flags=_starts()) if window else 0)
    for role, box in page.roles.items():
        box.setChecked(role in roles)
    page.password.setText(password or "")
    page.initial.setText("")
    act(qtbot, page, page.create, expect)
    if expect is not None:
        return None
    return page.initial.text().split("：", 1)[1].split("（", 1)[0]


def _starts():  # noqa: ANN202
    from gui.qt import Qt
    return Qt.MatchFlag.MatchStartsWith


def upload_photo(qtbot, workspace, hall: str, username: str, path, expect: str | None = None) -> None:  # noqa: ANN001
    """The evaluator's photo of a staff member, from a PNG or JPEG file (the file dialog's choice)."""
    page = workspace.page("人员")
    pick_hall(qtbot, page, hall)
    usernames = [s["username"] for s in page.staff]
    page.people.selectRow(usernames.index(username))
    act(qtbot, page, lambda: page.upload_photo(page.staff[usernames.index(username)], path), expect)
