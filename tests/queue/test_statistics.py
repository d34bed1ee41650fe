import datetime as dt

from shared.queue import lifecycle as lc
from shared.queue.config import Quota
from shared.queue.issuance import IssuedCounts
from shared.queue.ratings import RatingLevel, Visit, not_rated, rate
from shared.queue.rules import CallingRules, RatingRules
from shared.queue.statistics import (GroupBy, bad_ratings, quota_use, ratings_distribution,
                                     ratings_distribution_by, summarise, ticket_stats, ticket_stats_by)
from shared.queue.tickets import Channel
from tests.queue.builders import T0, at, ticket, window

MIN = dt.timedelta(minutes=1)
W1, W2 = window(1, (1, 1)), window(2, (1, 1), (2, 1))
RULES = CallingRules(no_show_after_recalls=1)


def _served(number, *, issued, called, start, end, win=W1, business=1, clerk="c1", channel=Channel.DISPENSER):
    t = ticket(number, minute=issued, business=business, channel=channel)
    t = lc.start_service(lc.call(t, win, at(called), clerk_id=clerk), at(start))
    return lc.finish(t, at(end))


def _no_show(number, win=W1):
    t = lc.recall(lc.call(ticket(number), win, at(5), clerk_id="c2"), RULES, at(6))
    return lc.mark_no_show(t, RULES, at(8))


def test_summarise_mean_and_p90_by_nearest_rank() -> None:
    assert summarise([]).mean is None
    ten = [i * MIN for i in range(1, 11)]
    s = summarise(ten)
    assert (s.count, s.mean, s.p90) == (10, 5.5 * MIN, 9 * MIN)
    assert summarise([4 * MIN]).p90 == 4 * MIN


def test_ticket_stats_count_channels_outcomes_waits_and_service() -> None:
    tickets = [_served("A1", issued=0, called=10, start=11, end=21),
               _served("A2", issued=2, called=22, start=23, end=27, channel=Channel.QR),
               _no_show("A3"), ticket("A4", channel=Channel.ID_CARD)]
    stats = ticket_stats(tickets)
    assert stats.issued == 4 and stats.no_shows == 1
    assert stats.by_channel == {"dispenser": 2, "qr": 1, "id_card": 1}
    assert stats.by_outcome == {"finished": 2, "no_show": 1, "waiting": 1}
    assert stats.by_channel_and_outcome == {("dispenser", "finished"): 1, ("qr", "finished"): 1,
                                            ("dispenser", "no_show"): 1, ("id_card", "waiting"): 1}
    assert stats.waiting.count == 3 and stats.waiting.mean == (10 + 20 + 5) / 3 * MIN
    assert stats.service.count == 2 and stats.service.mean == 7 * MIN and stats.service.p90 == 10 * MIN


def test_grouping_by_window_clerk_business_and_day() -> None:
    tickets = [_served("A1", issued=0, called=10, start=11, end=21, clerk="c1"),
               _served("B1", issued=1, called=10, start=12, end=15, win=W2, business=2, clerk="c9"),
               _no_show("A2", win=W2)]
    assert {k: s.issued for k, s in ticket_stats_by(tickets, GroupBy.WINDOW).items()} == {1: 1, 2: 2}
    by_clerk = ticket_stats_by(tickets, GroupBy.CLERK)
    assert {k: s.issued for k, s in by_clerk.items()} == {"c1": 1, "c9": 1, "c2": 1}
    assert {k: s.no_shows for k, s in ticket_stats_by(tickets, GroupBy.BUSINESS).items()} == {1: 1, 2: 0}
    assert list(ticket_stats_by(tickets, GroupBy.DAY)) == [T0.date()]


def test_quota_use() -> None:
    assert quota_use(Quota(1, daily_limit=80), IssuedCounts(20, 15, 5)).share == 0.25
    assert quota_use(Quota(1, am_limit=30, pm_limit=20), IssuedCounts(25, 20, 5)).limit == 50
    unlimited = quota_use(Quota(1), IssuedCounts(7, 7, 0))
    assert (unlimited.issued, unlimited.limit, unlimited.share) == (7, None, None)


def test_ratings_distribution_has_every_level_and_not_rated() -> None:
    rules = RatingRules(timeout_seconds=60)
    end = T0 + 30 * MIN
    visits = [Visit(f"t{i}", f"A{i}", 1, window_id=1 + i % 2, clerk_id="c1", finished_at=end) for i in range(4)]
    ratings = [rate(visits[0], RatingLevel.VERY_SATISFIED, end, rules),
               rate(visits[1], RatingLevel.VERY_SATISFIED, end, rules),
               rate(visits[2], RatingLevel.VERY_DISSATISFIED, end, rules, reason="材料说明不清"),
               not_rated(visits[3], end + 2 * MIN, rules)]
    assert ratings_distribution(ratings) == {"very_satisfied": 2, "satisfied": 0, "basically_satisfied": 0,
                                             "dissatisfied": 0, "very_dissatisfied": 1, "not_rated": 1}
    assert bad_ratings(ratings) == 1
    by_window = ratings_distribution_by(ratings, GroupBy.WINDOW)
    assert by_window[1]["very_dissatisfied"] == 1 and by_window[2]["not_rated"] == 1
