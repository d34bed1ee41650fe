"""The queue statistics projection against the raw recount: shared/queue/projection's facts, added up for every
grouping, answer what shared/queue/report recounts from the tickets themselves — counts, sums and means exactly,
P50/P90 within half a histogram bucket — and facts kept per day add up to the facts of the whole range."""

from __future__ import annotations

import random

import pytest

from bench.statistics import ticket_rows
from shared.protocol.queue_rows import rating_of, ticket_of
from shared.queue import projection, report
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.queue.statistics import GroupBy

PERCENTILES = ("p50_s", "p90_s")
BOUND_S = projection.BUCKET_S / 2 + 0.05  # half a bucket, and the raw figure's rounding to 0.1 s


def world(n: int, seed: int) -> tuple[list[dict], list[dict]]:
    """The statistics bench's tickets of a year, with other channels, tickets still waiting (never called) and
    tickets the close-of-day sweep ended unserved among them."""
    rng = random.Random(seed)
    tickets, ratings = ticket_rows(n, rng)
    for row in tickets:
        row["channel"] = rng.choice(("dispenser", "id_card", "qr", "staff", "remote"))
        roll = rng.random()
        if roll < 0.03:
            row.update(state="waiting", periods=row["periods"][:1], window_id=None, clerk=None)
            row["periods"][0] = {**row["periods"][0], "end": None}
        elif roll < 0.06 and row["state"] == "cancelled":
            row["flags"] = [CLOSED_UNSERVED]
    return tickets, ratings


def domain(tickets: list[dict], ratings: list[dict]) -> tuple[list, list, frozenset[str]]:
    by_id = {r["id"]: ticket_of(r, CHINA_TZ) for r in tickets}
    rated = [rating_of(r, by_id[r["ticket_id"]], CHINA_TZ) for r in ratings if r["ticket_id"] in by_id]
    unserved = frozenset(r["id"] for r in tickets if CLOSED_UNSERVED in r["flags"])
    return list(by_id.values()), [r for r in rated if r is not None], unserved


def assert_matches(projected: object, raw: object, path: str = "") -> None:
    """Equal, except the percentiles: within BOUND_S of the exact ones (and present exactly when they are)."""
    if isinstance(raw, dict):
        assert isinstance(projected, dict) and set(projected) == set(raw), (path, projected, raw)
        for key, value in raw.items():
            if key in PERCENTILES:
                assert (projected[key] is None) == (value is None), (path, key)
                assert value is None or abs(projected[key] - value) <= BOUND_S, (path, key, projected[key], value)
            else:
                assert_matches(projected[key], value, f"{path}/{key}")
    else:
        assert projected == raw, (path, projected, raw)


@pytest.mark.parametrize("by", list(GroupBy))
def test_the_projection_answers_the_raw_recount_for_every_grouping(by: GroupBy) -> None:
    tickets, ratings, unserved = domain(*world(4000, seed=7))
    raw = report.report(tickets, ratings, unserved, by)
    assert raw["totals"]["closed_unserved"] and raw["totals"]["by_outcome"]["waiting"]  # the world has them
    assert raw["totals"]["service"]["count"] > 1000 and sum(raw["totals"]["ratings"].values()) > 1000
    projected = projection.report([projection.facts(tickets, ratings, unserved)], by)
    assert_matches(projected, raw)
    assert list(projected["groups"]) == list(raw["groups"])  # the same groups, in the same order


def test_days_kept_apart_add_up_to_the_whole_range_exactly() -> None:
    rows, rated = world(3000, seed=3)
    days: dict[str, tuple[list, list]] = {}
    ticket_day = {r["id"]: r["day"] for r in rows}
    for row in rows:
        days.setdefault(row["day"], ([], []))[0].append(row)
    for row in rated:
        days[ticket_day[row["ticket_id"]]][1].append(row)
    per_day = [projection.facts(*domain(t, r)) for t, r in days.values()]
    whole = projection.facts(*domain(rows, rated))
    for by in GroupBy:
        assert projection.report(per_day, by) == projection.report([whole], by)


def test_percentiles_are_read_from_the_buckets_by_nearest_rank() -> None:
    import datetime as dt
    durations = projection.Durations()
    for s in (1, 2, 3, 4, 100, 101, 102, 103, 104, 600):  # ten values: P50 is the 5th (100 s), P90 the 9th
        durations.add(dt.timedelta(seconds=s))
    assert durations.percentile(0.5) == dt.timedelta(seconds=102.5)    # bucket 100–105 s
    assert durations.percentile(0.9) == dt.timedelta(seconds=102.5)
    assert durations.json() == {"count": 10, "mean_s": 112.0, "p50_s": 102.5, "p90_s": 102.5}
    one = projection.Durations()
    one.add(dt.timedelta(seconds=61))   # the middle of its bucket (62.5 s) is kept within the shortest and longest
    assert one.percentile(0.9) == one.percentile(0.5) == dt.timedelta(seconds=61)
    one.merge(durations)
    assert one.count == 11 and one.percentile(0.9) == dt.timedelta(seconds=102.5)
    assert projection.Durations.load(one.dump()).json() == one.json()
    assert projection.Durations().json() == {"count": 0, "mean_s": None, "p50_s": None, "p90_s": None}


def test_facts_of_another_format_are_refused_not_misread() -> None:
    with pytest.raises(ValueError, match="format"):
        projection.report([{"format": "q0", "tickets": [], "ratings": []}], GroupBy.DAY)


def test_the_stored_totals_per_grouping_add_up_the_cross_product() -> None:
    tickets, ratings, unserved = domain(*world(800, seed=11))
    facts = projection.facts(tickets, ratings, unserved)
    for by, field in ((GroupBy.DAY, 0), (GroupBy.BUSINESS, 1), (GroupBy.WINDOW, 2), (GroupBy.CLERK, 3),
                      (GroupBy.HOUR, 4)):
        cells: dict = {}
        for entry in facts["tickets"]:
            cells.setdefault(entry[field], projection.Cell()).merge(projection.Cell.load(entry[5]))
        assert {k: c.dump() for k, c in cells.items()} == {k: c for k, c in facts["by"][by.value]["tickets"]}
        counts: dict = {}
        for entry in facts["ratings"]:
            for code, n in entry[5].items():
                counts.setdefault(entry[field], {}).setdefault(code, 0)
                counts[entry[field]][code] += n
        assert counts == {k: n for k, n in facts["by"][by.value]["ratings"]}
