"""`queue.rate` from the evaluator: bound to a finished visit, 差评 needs a reason and gets a rectification
deadline in working days, one rating per ticket."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest


@pytest.fixture
def served(qhall):  # noqa: ANN001, ANN201
    kiosk, w2 = qhall.device("dispenser"), qhall.device("workstation", 2)
    evaluator = qhall.device("evaluator", 2)
    ticket, _ = qhall.issue(kiosk, "A")
    qhall.call(w2, ticket, 1)
    qhall.act(w2, "queue.start", ticket, 2)
    return qhall, kiosk, w2, evaluator, ticket


def rate(qhall, dev, ticket: str, level: str | None, minutes: float = 10.5, reason: str = "", **over):  # noqa: ANN001, ANN201
    args = {"rating_id": str(uuid.uuid4()), "ticket_id": ticket, "window_id": dev.window_id, "clerk": "clerk",
            "level": level, "reason": reason, "at": qhall.at(minutes), **over}
    return qhall.push(dev, "queue.rate", args)


def test_a_rating_needs_a_finished_visit(served) -> None:  # noqa: ANN001
    qhall, _, w2, evaluator, ticket = served
    assert rate(qhall, evaluator, ticket, "satisfied")["code"] == "visit_not_rateable"
    qhall.act(w2, "queue.finish", ticket, 10)
    r = rate(qhall, evaluator, ticket, "satisfied")
    assert r["status"] == "accepted" and r["result"]["rectification_due"] is None
    assert rate(qhall, evaluator, ticket, "very_satisfied")["code"] == "rating_exists"
    row = next(iter(qhall.rows(evaluator, "queue_rating").values()))
    assert (row["ticket_id"], row["level"], row["clerk"], row["window_id"]) == (ticket, "satisfied", "clerk",
                                                                               w2.window_id)


def test_a_bad_rating_needs_a_reason_and_opens_a_rectification(served) -> None:  # noqa: ANN001
    qhall, _, w2, evaluator, ticket = served
    qhall.act(w2, "queue.finish", ticket, 10)
    assert rate(qhall, evaluator, ticket, "dissatisfied")["code"] == "bad_rating_needs_reason"
    r = rate(qhall, evaluator, ticket, "dissatisfied", reason="等候时间太长")
    assert r["status"] == "accepted"
    # rated Monday 2026-11-23: five working days later is Monday 2026-11-30
    assert r["result"]["rectification_due"] == dt.date(2026, 11, 30).isoformat()


def test_a_late_rating_is_refused_but_not_rated_is_recorded(served) -> None:  # noqa: ANN001
    qhall, _, w2, evaluator, ticket = served
    qhall.act(w2, "queue.finish", ticket, 10)
    assert rate(qhall, evaluator, ticket, "satisfied", minutes=30)["code"] == "rating_timed_out"
    r = rate(qhall, evaluator, ticket, None, minutes=11.5)
    assert r["status"] == "accepted"
    assert next(iter(qhall.rows(evaluator, "queue_rating").values()))["level"] is None
