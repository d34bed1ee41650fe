import datetime as dt

import pytest

from shared.queue.clock import CHINA_TZ, IssueTime, to_ms, waited


def test_issue_times_order_by_physical_then_logical_then_device_then_seq() -> None:
    stamps = [IssueTime(1000, 1, "K1", 5), IssueTime(1000, 0, "K2", 1), IssueTime(999, 9, "Z", 9),
              IssueTime(1000, 0, "K1", 7), IssueTime(1000, 0, "K1", 2)]
    assert sorted(stamps) == [IssueTime(999, 9, "Z", 9), IssueTime(1000, 0, "K1", 2), IssueTime(1000, 0, "K1", 7),
                              IssueTime(1000, 0, "K2", 1), IssueTime(1000, 1, "K1", 5)]


def test_to_ms_is_exact_and_zone_independent() -> None:
    local = dt.datetime(2026, 11, 23, 9, 0, 0, 999000, tzinfo=CHINA_TZ)
    utc = local.astimezone(dt.timezone.utc)
    assert to_ms(local) == to_ms(utc) == 1795395600999


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_ms(dt.datetime(2026, 11, 23, 9, 0))


def test_negative_parts_are_refused() -> None:
    with pytest.raises(ValueError):
        IssueTime(-1)


def test_waited_never_negative_when_a_device_clock_runs_ahead() -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=CHINA_TZ)
    ahead = IssueTime.at(now + dt.timedelta(minutes=2))
    assert waited(ahead, now) == dt.timedelta(0)
    assert waited(IssueTime.at(now - dt.timedelta(minutes=7)), now) == dt.timedelta(minutes=7)
