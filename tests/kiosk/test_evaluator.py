"""Evaluator at window 3: shows the clerk and the ticket served; asks when the ticket turns finished; records
the level (a 差评 with its reason, "not rated" after the timeout) as `queue.rate`, offline first, pushed to
the live server on the next sync."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gui.ops import Ops
from gui.qt import Qt
from drivers.keypad.codec import Key, KeyEvent
from kiosk.evaluator import EvaluatorWindow
from kiosk.flow.evaluator import Step
from kiosk.services.rating import RatingDesk
from kiosk.services.reference import load_directory
from server.sync.models import CommandLog
from shared.db.models import StaffUser
from shared.queue.hall_rules import RULES_TABLE, HallRules, rules_row
from shared.queue.ratings import RatingLevel
from shared.queue.rules import RatingRules
from shared.sync import store
from tests.kiosk.conftest import make_device


def publish_ticket(sync, hall_id: int, window_id: int, state: str, ticket_id: str, seq: int,  # noqa: ANN001
                   at: dt.datetime) -> None:
    """What a pull brings when the window serves (and later finishes) a ticket."""
    row = {"id": ticket_id, "hall_id": hall_id, "business_id": 1, "display": "A001",
           "day": at.date().isoformat(),
           "channel": "dispenser", "priority_class": 3, "issued_at": [0, 0, "d", 1], "queue_key": [0, 0, "d",
                                                                                                   1],
           "state": state, "window_id": window_id, "clerk": "clerk",
           "periods": [{"kind": "serving", "start": at.isoformat(), "end": None, "window_id": window_id}]}
    with sync.engine.begin() as conn:
        store.apply_changes(conn, [{"scope": f"hall:{hall_id}", "seq": seq, "table": "queue_ticket",
                                    "pk": ticket_id,
                                    "op": "upsert", "row": row}])
    with Session(sync.engine) as s:  # the demo data the cache was made from: the clerk's staff id
        clerk = s.scalars(select(StaffUser).where(StaffUser.username == "clerk")).one()
    # and the window's badge, which the server publishes when the clerk calls there (server.queue.badges)
    badge = {"window_id": window_id, "hall_id": hall_id, "user_id": clerk.id,
             "display_name": clerk.display_name, "staff_no": clerk.staff_no, "day": at.date().isoformat()}
    with sync.engine.begin() as conn:
        store.apply_changes(conn, [{"scope": f"hall:{hall_id}", "seq": seq, "table": "window_badge",
                                    "pk": str(window_id), "op": "upsert", "row": badge}])


@pytest.fixture
def evaluator(qtbot, hall, cache, now):  # noqa: ANN001, ANN201
    sync, network = make_device(hall, cache, "evaluator", window_index=2)
    sync.sync_once()
    desk = RatingDesk(sync, load_directory(cache), hall[3][2], now=lambda: now[0])
    ops = Ops()
    window = EvaluatorWindow(ops, desk, pin="2468", ask_seconds=60, poll_ms=100)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window, desk, network
    window.close()
    ops.wait()


def ratings_on_server(db) -> list[CommandLog]:  # noqa: ANN001
    with db.session() as session:
        return list(session.scalars(select(CommandLog).where(CommandLog.name == "queue.rate")))


def test_clerk_shown_then_rated_when_service_finishes(qtbot, evaluator, hall, now,  # noqa: ANN001
                                                      screenshot) -> None:
    window, desk, _ = evaluator
    ticket = str(uuid.uuid4())
    publish_ticket(desk.sync, hall[2], desk.window_id, "serving", ticket, 1, now[0])
    qtbot.waitUntil(lambda: window.clerk.serving.text() == "正在办理：A001 号", timeout=3000)
    assert window.clerk.name.text() == "王晓敏" and window.clerk.staff_no.text() == "工号：DG0101"
    screenshot(window, "evaluator/clerk")
    publish_ticket(desk.sync, hall[2], desk.window_id, "finished", ticket, 2, now[0])
    qtbot.waitUntil(lambda: window.flow.step is Step.ASK, timeout=3000)
    screenshot(window, "evaluator/ask")
    qtbot.mouseClick(window.ask.buttons[RatingLevel.SATISFIED], Qt.MouseButton.LeftButton)
    assert window.flow.step is Step.THANKS
    screenshot(window, "evaluator/thanks")
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_rating")) == 1, timeout=3000)
    rating = next(iter(desk.sync.rows("queue_rating").values()))
    assert (rating["ticket_id"], rating["level"], rating["clerk"]) == (ticket, "satisfied", "clerk")
    qtbot.wait(300)  # further polls do not ask again for the same visit
    window.run(window.flow.idle())
    qtbot.wait(300)
    assert window.flow.step is Step.IDLE
    desk.sync.sync_once()
    sent = ratings_on_server(hall[0])
    assert len(sent) == 1 and sent[0].args["level"] == "satisfied" and sent[0].args["ticket_id"] == ticket


def test_bad_rating_needs_a_reason_and_works_offline(qtbot, evaluator, hall, now,  # noqa: ANN001
                                                     screenshot) -> None:
    window, desk, network = evaluator
    network.down = True
    ticket = str(uuid.uuid4())
    publish_ticket(desk.sync, hall[2], desk.window_id, "finished", ticket, 1, now[0])
    qtbot.waitUntil(lambda: window.flow.step is Step.ASK, timeout=3000)
    qtbot.mouseClick(window.ask.buttons[RatingLevel.VERY_DISSATISFIED], Qt.MouseButton.LeftButton)
    assert window.flow.step is Step.REASON
    screenshot(window, "evaluator/reason")
    window.reasons.sig_reason.emit("等候时间太长")
    qtbot.waitUntil(lambda: len(desk.sync.rows("queue_rating")) == 1, timeout=3000)
    rating = next(iter(desk.sync.rows("queue_rating").values()))
    assert (rating["level"], rating["reason"]) == ("very_dissatisfied", "等候时间太长")
    with pytest.raises(Exception):
        desk.sync.sync_once()
    assert desk.sync.status().pending == 1 and ratings_on_server(hall[0]) == []
    network.down = False
    desk.sync.sync_once()
    assert [c.args["reason"] for c in ratings_on_server(hall[0])] == ["等候时间太长"]


def test_timeout_records_not_rated_and_keypad_key_asks(qtbot, hall, cache, now) -> None:  # noqa: ANN001
    sync, _ = make_device(hall, cache, "evaluator", window_index=2)
    desk = RatingDesk(sync, load_directory(cache), hall[3][2], now=lambda: now[0])
    ops = Ops()
    window = EvaluatorWindow(ops, desk, ask_seconds=1, poll_ms=100)
    qtbot.addWidget(window)
    ticket = str(uuid.uuid4())
    publish_ticket(sync, hall[2], desk.window_id, "serving", ticket, 1, now[0])
    qtbot.waitUntil(lambda: window.flow.serving is not None, timeout=3000)
    window._key(KeyEvent(address=3, key=Key.EVALUATE))  # the clerk pressed 评价 on the keypad
    assert window.flow.step is Step.ASK
    qtbot.waitUntil(lambda: len(sync.rows("queue_rating")) == 1, timeout=4000)
    assert next(iter(sync.rows("queue_rating").values()))["level"] is None
    assert window.flow.step is Step.IDLE
    window.close()
    ops.wait()


def test_the_bad_rating_screen_promises_the_halls_configured_deadline(qtbot, hall, cache, now) -> None:  # noqa: ANN001
    """The 差评 screen promises the rectification deadline the hall configured (the working days the server
    counts for the record the 差评 opens), and a rating is waited for as long as the hall's rules say — both as
    synced, so an admin's change reaches a running evaluator."""
    sync, _ = make_device(hall, cache, "evaluator", window_index=2)
    desk = RatingDesk(sync, load_directory(cache), hall[3][2], now=lambda: now[0])
    ops = Ops()
    window = EvaluatorWindow(ops, desk, poll_ms=100)
    qtbot.addWidget(window)
    assert window.reasons.promise.text() == "我们将在 5 个工作日内整改并回复" and window.flow.ask_seconds == 60
    rules = HallRules(rating=RatingRules(timeout_seconds=45, rectification_workdays=3))
    with sync.engine.begin() as conn:
        store.apply_changes(conn, [{"scope": f"hall:{hall[2]}", "seq": 1, "table": RULES_TABLE, "pk": str(hall[2]),
                                    "op": "upsert", "row": rules_row(hall[2], rules)}])
    publish_ticket(sync, hall[2], desk.window_id, "finished", str(uuid.uuid4()), 2, now[0])
    qtbot.waitUntil(lambda: window.flow.step is Step.ASK, timeout=3000)
    assert window.flow.ask_seconds == 45 and window._idle_seconds == 45
    qtbot.mouseClick(window.ask.buttons[RatingLevel.VERY_DISSATISFIED], Qt.MouseButton.LeftButton)
    assert window.flow.step is Step.REASON
    assert window.reasons.promise.text() == "我们将在 3 个工作日内整改并回复"
    window.close()
    ops.wait()
