"""The hall controller's decisions without a server or a card: which screen each card should show for the
synced rows, how a screen becomes BX areas, and which card configs are refused (and why)."""

from __future__ import annotations

import datetime as dt

import pytest

from drivers.config import settings_from_mapping
from drivers.core.errors import ConfigError
from kiosk.controller.cards import areas
from kiosk.controller.config import card_of
from kiosk.controller.screens import HallRows, Screen, screens, strip_screen, window_screen
from kiosk.services.reference import load_directory

DAY = dt.date(2026, 11, 23)


@pytest.fixture
def directory(cache):  # noqa: ANN001, ANN201
    return load_directory(cache)


def _rows(directory, *, paused=(), current=None, state="called", clerk="clerk",  # noqa: ANN001, ANN202
          badges=(), notice=None):
    w = {w.number: w.id for w in directory.windows}
    windows = {str(w[n]): {"window_id": w[n], "paused": n in paused, "current_ticket_id": None} for n in w}
    tickets, badge_rows = {}, {}
    if current is not None:
        number, display = current
        windows[str(w[number])]["current_ticket_id"] = "t1"
        tickets["t1"] = {"id": "t1", "display": display, "state": state, "clerk": clerk, "window_id": w[number]}
    for number, day in badges:  # the badge the server publishes when a clerk calls at the window
        badge_rows[str(w[number])] = {"window_id": w[number], "hall_id": directory.hall_id, "user_id": 2,
                                      "display_name": "王晓敏", "staff_no": "DG0001", "day": day.isoformat()}
    notices = {str(directory.hall_id): {"text": notice}} if notice is not None else {}
    return HallRows(windows, tickets, badge_rows, notices)


def test_a_called_ticket_shows_its_number_and_where_to_go(directory) -> None:  # noqa: ANN001
    rows = _rows(directory, current=(3, "B017"))
    assert window_screen(3, rows, directory, DAY) == Screen(("B017", "请到3号窗口"))
    assert window_screen(1, rows, directory, DAY) == Screen(("1号窗口", "欢迎办理"))


def test_serving_paused_closed_and_idle_with_the_clerks_name(directory) -> None:  # noqa: ANN001
    assert window_screen(3, _rows(directory, current=(3, "B017"), state="serving"), directory, DAY) == Screen(
        ("B017", "正在办理"))
    assert window_screen(3, _rows(directory, paused=(3,), current=(3, "B017")), directory, DAY) == Screen(
        ("3号窗口", "暂停服务"))  # paused wins over the ticket it still holds
    assert window_screen(42, _rows(directory), directory, DAY) == Screen(("42号窗口", "窗口关闭"))
    finished = _rows(directory, current=(3, "B017"), state="finished", badges=[(3, DAY)])
    assert window_screen(3, finished, directory, DAY) == Screen(("3号窗口", "王晓敏 为您服务"))
    assert window_screen(1, finished, directory, DAY) == Screen(("1号窗口", "欢迎办理"))  # window 1's own badge
    yesterday = _rows(directory, current=(3, "B017"), state="finished",
                      badges=[(3, DAY - dt.timedelta(days=1))])
    assert window_screen(3, yesterday, directory, DAY) == Screen(("3号窗口", "欢迎办理"))


def test_the_strip_scrolls_the_notice_or_the_welcome(directory) -> None:  # noqa: ANN001
    assert strip_screen(_rows(directory, notice="午间不停办"), directory) == Screen(("午间不停办",), scroll=True)
    assert strip_screen(_rows(directory, notice="  "), directory).lines == (f"欢迎光临{directory.hall_name}",)


def test_each_card_gets_its_own_screen(directory) -> None:  # noqa: ANN001
    cards = [card_of("w3", settings_from_mapping("card-w3", {"window": 3, "port": "/dev/ttyUSB0", "address": 3})),
             card_of("strip", settings_from_mapping("card-strip", {"role": "strip", "port": "/dev/ttyUSB0"}))]
    wanted = screens(cards, _rows(directory, current=(3, "A001"), notice="请有序排队"), directory, DAY)
    assert wanted == {"w3": Screen(("A001", "请到3号窗口")), "strip": Screen(("请有序排队",), scroll=True)}


def test_a_screen_is_stacked_areas_and_the_strip_scrolls() -> None:
    two = areas(Screen(("A001", "请到3号窗口")), 64, 32)
    assert [(a.area_id, a.y, a.height, a.mode, a.text) for a in two] == [(0, 0, 16, 1, "A001"),
                                                                        (1, 16, 16, 1, "请到3号窗口")]
    one = areas(Screen(("通知",), scroll=True), 192, 16)
    assert [(a.width, a.height, a.mode) for a in one] == [(192, 16, 2)]


@pytest.mark.parametrize("section,code", [
    ({"window": 3, "port": "/dev/ttyUSB0", "protocol": "acme"}, "led_protocol_unknown"),
    ({"port": "/dev/ttyUSB0"}, "led_card_invalid"),                       # a window card without its window
    ({"window": 3, "port": "/dev/ttyUSB0", "role": "wall"}, "led_card_invalid"),
    ({"window": 3, "port": "/dev/ttyUSB0", "address": 70000}, "led_card_invalid"),
    ({"window": 3}, "device_config_error"),                               # no port and no host
])
def test_a_bad_card_is_refused_by_name(section, code) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError) as info:
        card_of("w3", settings_from_mapping("card-w3", section))
    assert info.value.code == code


def test_a_tcp_card_and_a_serial_card(tmp_path) -> None:  # noqa: ANN001
    tcp = card_of("w1", settings_from_mapping("card-w1", {"window": 1, "host": "10.0.0.51", "tcp_port": 5005}))
    rs485 = card_of("w2", settings_from_mapping("card-w2", {"window": 2, "port": "/dev/ttyUSB0", "baudrate": 9600}))
    assert (tcp.url, rs485.url, rs485.settings.baudrate) == ("socket://10.0.0.51:5005", "/dev/ttyUSB0", 9600)


def test_the_controller_runs_without_qt() -> None:
    """Headless: `python -m kiosk --mode controller` never loads PySide6 (a box on the RS-485 bus has no screen)."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, kiosk.app, kiosk.controller.app, kiosk.controller.cards; "
            "print('PySide6' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
