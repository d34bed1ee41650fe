"""一事一评 on a workstation against the real server in process: the workstation refuses exactly what the server
refuses (not 办结, a 差评 without its reason, a second rating: one rule, shared.rating.case_rating); a rating
made offline is queued with the `case_rating` row the server publishes once the network is back, and its
差评 opens the department's rectification record; the workstation's 差评 statistics, whole and per department,
business (or item) and source, equal the API's, with the case ratings counted beside the tickets'."""

from __future__ import annotations

import datetime as dt
import uuid

from client.services.case_rating import case_ratings_for
from client.services.rectification import desk_for
from shared.approval import commands as cmd
from shared.rating.case_rating import CaseRatingRefused
from shared.rating.statistics import GROUPINGS
from tests.approval_server.support import SERVICE_ITEM, add_staff, command, open_desk, receive
from tests.client import test_rectification_differential as base
from tests.client.support import Offline
from tests.fixtures.server import login

loop = base.loop  # the fixture: the real server in process, the clock injected on both sides
DAY = "2026-11-23"


def _server_code(desk, case_id: str, level: str, reason: str = "") -> str | None:  # noqa: ANN001
    r = desk.push("rating.rate_case", {"rating_id": str(uuid.uuid4()), "case_id": case_id, "level": level,
                                       "reason": reason, "at": base.NOW.isoformat()}, None)
    return None if r["status"] == "accepted" else r["code"]


def _client_code(ratings, case_id: str, level: str, reason: str = "") -> str | None:  # noqa: ANN001
    try:
        ratings.rate(case_id, level, reason)
    except CaseRatingRefused as exc:
        return exc.code
    return None


def test_the_workstation_and_the_server_agree_on_case_ratings(loop) -> None:  # noqa: ANN001
    loop.counter(1)
    ticket_rating = loop.bad_rating()  # a ticket's 差评 at 10:00, beside the case's
    loop.clock.now = base.NOW + dt.timedelta(hours=1)
    add_staff(loop.db)
    admin = login(loop.http)
    clerk, approver = (open_desk(loop.http, admin, loop.hall_id, u) for u in ("clerk", "approver"))
    closed, open_case = (receive(clerk, day=DAY)[0] for _ in range(2))
    for case_id in (closed, open_case):
        assert clerk.send(command(cmd.Accept, case_id, 1, "received", DAY, clerk))["status"] == "accepted"
    assert approver.send(command(cmd.Grant, closed, 2, "in_review", DAY, approver, step="decide",
                                 opinion="同意"))["status"] == "accepted"
    assert clerk.send(command(cmd.Close, closed, 3, "decided_granted", DAY, clerk))["status"] == "accepted"

    ws = loop.workstation("clerk", "clerk-ws")
    ws.sync.sync_once()
    ratings = case_ratings_for(ws)
    assert (ratings.may_rate(closed), ratings.may_rate(open_case)) == (True, False)
    refusals = [(open_case, "satisfied", ""), (closed, "dissatisfied", "  ")]
    for case_id, level, reason in refusals:
        assert _client_code(ratings, case_id, level, reason) == _server_code(clerk, case_id, level, reason)
    assert [_client_code(ratings, c, lv, r) for c, lv, r in refusals] == ["case_not_closed",
                                                                         "bad_rating_needs_reason"]

    ws.sync.transport = Offline()
    optimistic = ratings.rate(closed, "dissatisfied", "窗口告知的材料与网上不一致")
    assert ws.sync.rows("case_rating")[optimistic["id"]] == optimistic and not ratings.may_rate(closed)
    ws.sync.transport = loop.transport
    ws.sync.sync_once()
    assert ws.sync.rejected() == []
    assert ws.sync.confirmed("case_rating")[optimistic["id"]] == optimistic
    record = ws.sync.confirmed("rating_rectification")[optimistic["id"]]
    assert (record["source"], record["subject_id"], record["status"]) == ("case", closed, "open")
    assert _client_code(ratings, closed, "satisfied") == _server_code(clerk, closed, "satisfied") \
        == "case_rating_exists"

    desk = desk_for(ws)
    day = base.NOW.date()
    whole = loop.api("statistics", day=day.isoformat())
    assert desk.statistics(day, day) == {k: v for k, v in whole.items() if k not in ("from", "to")}
    assert (whole["rated"], whole["bad"]) == (2, 2)
    for by in GROUPINGS:
        api = loop.api("statistics", day=day.isoformat(), by=by)
        mine = desk.statistics(day, day, by)
        assert mine["groups"] == api["groups"], by
    groups = loop.api("statistics", day=day.isoformat(), by="source")["groups"]
    assert {k: (g["rated"], g["bad"]) for k, g in groups.items()} == {"case": (1, 1), "ticket": (1, 1)}
    business = loop.api("statistics", day=day.isoformat(), by="business")["groups"]
    assert business[f"case:{SERVICE_ITEM}"]["levels"]["dissatisfied"] == 1
    departments = loop.api("statistics", day=day.isoformat(), by="department")["groups"]
    assert sum(g["bad"] for g in departments.values()) == 2 and "none" not in departments
    assert {r["rating_id"] for r in loop.api("rectifications")["records"]} == {ticket_rating, optimistic["id"]}


def _server_refusal(sync, name: str, args: dict) -> str | None:  # noqa: ANN001
    """What the server answers the same command sent unchecked through the device's own outbox."""
    before = {r.command_id for r in sync.rejected()}
    sync.submit(name, 1, args)
    sync.sync_once()
    new = [r for r in sync.rejected() if r.command_id not in before]
    return new[0].code if new else None


def test_the_counters_ask_and_the_evaluators_rating_follow_the_servers_rule(loop) -> None:  # noqa: ANN001
    """一事一评 on the evaluator: the counter's ask (after 办结, not rated) and the evaluator's rating (a 差评 with
    its reason) are refused locally exactly as the server refuses them, and what they send is accepted."""
    from kiosk.flow.evaluator import RateCase
    from kiosk.services.rating import RatingDesk
    from kiosk.services.reference import load_directory
    from shared.queue.ratings import RatingLevel

    counter = loop.counter(1)
    add_staff(loop.db)
    admin = login(loop.http)
    clerk, approver = (open_desk(loop.http, admin, loop.hall_id, u) for u in ("clerk", "approver"))
    closed, open_case = (receive(clerk, day=DAY)[0] for _ in range(2))
    for case_id in (closed, open_case):
        assert clerk.send(command(cmd.Accept, case_id, 1, "received", DAY, clerk))["status"] == "accepted"
    assert approver.send(command(cmd.Grant, closed, 2, "in_review", DAY, approver, step="decide",
                                 opinion="同意"))["status"] == "accepted"
    assert clerk.send(command(cmd.Close, closed, 3, "decided_granted", DAY, clerk))["status"] == "accepted"
    counter.sync.sync_once()
    ratings = case_ratings_for(counter)
    assert ratings.window_id == counter.desk.window.id
    assert (ratings.may_ask_evaluator(closed), ratings.may_ask_evaluator(open_case)) == (True, False)

    def client_ask(case_id: str) -> str | None:
        try:
            ratings.ask_evaluator(case_id)
        except CaseRatingRefused as exc:
            return exc.code
        counter.sync.sync_once()
        return None

    def server_ask(case_id: str) -> str | None:
        return _server_refusal(counter.sync, "rating.ask_case", {"ask_id": str(uuid.uuid4()), "case_id": case_id,
                                                                 "at": base.NOW.isoformat()})
    assert client_ask(open_case) == server_ask(open_case) == "case_not_closed"
    assert client_ask(closed) is None
    assert [r.code for r in counter.sync.rejected()] == ["case_not_closed"]  # only the unchecked one

    evaluator = loop.device("evaluator", "evaluator", 0)
    evaluator.sync_once()
    desk = RatingDesk(evaluator, load_directory(evaluator.engine), counter.desk.window.id, now=loop.clock)
    asked = desk.case_asked()
    assert asked is not None and asked.case_id == closed

    def evaluator_rate(level: RatingLevel, reason: str) -> str | None:
        try:
            desk.record_case(RateCase(asked, level, reason))
        except CaseRatingRefused as exc:
            return exc.code
        evaluator.sync_once()
        return None

    def server_rate(level: RatingLevel, reason: str) -> str | None:
        return _server_refusal(evaluator, "rating.rate_case", {
            "rating_id": str(uuid.uuid4()), "case_id": closed, "level": level.value, "reason": reason,
            "at": base.NOW.isoformat()})
    assert evaluator_rate(RatingLevel.VERY_DISSATISFIED, "  ") == server_rate(RatingLevel.VERY_DISSATISFIED, "  ") \
        == "bad_rating_needs_reason"
    assert evaluator_rate(RatingLevel.VERY_DISSATISFIED, "材料一次告知不全") is None
    assert [r.code for r in evaluator.rejected()] == ["bad_rating_needs_reason"]  # only the unchecked one
    assert desk.case_asked() is None
    counter.sync.sync_once()
    assert ratings.rating_of(closed)["level"] == "very_dissatisfied" and not ratings.may_ask_evaluator(closed)
    assert client_ask(closed) == server_ask(closed) == "case_rating_exists"
