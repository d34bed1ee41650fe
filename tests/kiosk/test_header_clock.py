"""The kiosk header's date and time come from the hall clock the mode decides with (injected), not the machine's
wall clock: a kiosk on a simulated day (`--at`, the journeys, the faked-clock pass) shows that day."""

from __future__ import annotations

import datetime as dt

from kiosk.widgets.common import Header
from shared.queue.clock import CHINA_TZ

SATURDAY = dt.datetime(2027, 1, 9, 3, 40, 5, tzinfo=CHINA_TZ)


def test_the_header_shows_the_injected_day_and_time(qtbot) -> None:  # noqa: ANN001
    moment = [SATURDAY]
    header = Header("东莞市民服务中心", "自助取号", now=lambda: moment[0])
    qtbot.addWidget(header)
    assert "2027年1月9日 星期六" in header.clock.text() and "03:40:05" in header.clock.text()
    moment[0] = dt.datetime(2027, 1, 10, 20, 0, tzinfo=dt.timezone.utc)  # any zone: shown as China time
    header.tick()
    assert "2027年1月11日 星期一" in header.clock.text() and "04:00:00" in header.clock.text()

