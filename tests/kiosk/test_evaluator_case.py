"""一事一评 on the counter's evaluator (window 3), through the real kiosk code path against a live server: a
case is finished (办结) on the server; the clerk at window 3 asks; the evaluator pulls the ask, shows the case by
its item and reference, takes a 差评 with its reason while offline (queued in its outbox, the ask not shown
again), and on reconnection the rating reaches the server's one recording path, which opens the rectification
record. An ask the citizen leaves unanswered is asked again while the evaluator is idle, until the clerk
calls the next citizen."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests
from sqlalchemy import select

from gui.qt import Qt
from kiosk.flow.evaluator import Step
from server.rating.models import CaseRating, RatingRectification
from shared.approval import commands as cmd
from shared.queue.ratings import RatingLevel
from tests.approval_server.support import (LICENCE_ITEM, LICENCE_SITUATION, PASSWORD, PERSON_ID, TEST_KEYS, Desk,
                                           add_staff, command, open_desk, receive)
from shared.sync import store
from tests.kiosk.test_evaluator import evaluator  # noqa: F401  (fixture)
from tests.sync.support import new_device


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server seals the applicant's name and ID number: its keys, as the approval tests set them."""
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


class Http:
    """What the approval tests' desks call (post/get of a path), over the live server."""

    def __init__(self, url: str) -> None:
        self.url, self.session = url, requests.Session()

    def post(self, path: str, **kwargs):  # noqa: ANN003, ANN201
        return self.session.post(self.url + path, timeout=10, **kwargs)

    def get(self, path: str, **kwargs):  # noqa: ANN003, ANN201
        return self.session.get(self.url + path, timeout=10, **kwargs)


def closed_case(http: Http, db, hall_id: int) -> str:  # noqa: ANN001
    add_staff(db)
    admin = {"Authorization": "Bearer " + http.post("/api/v1/auth/login", json={
        "username": "admin", "password": PASSWORD}).json()["token"]}
    desks = {u: open_desk(http, admin, hall_id, u) for u in ("clerk", "reviewer", "verifier", "head", "officer")}
    case_id, r = receive(desks["clerk"], item=LICENCE_ITEM, situation=LICENCE_SITUATION, kind="person",
                         applicant_id=PERSON_ID, name="张三")
    assert r["status"] == "accepted", r
    status = "received"
    for version, (user, kind, fields) in enumerate(
            [("clerk", cmd.Accept, {}), ("reviewer", cmd.PassStep, {"step": "review"}),
             ("verifier", cmd.PassStep, {"step": "verify"}), ("head", cmd.Grant, {"step": "decide"}),
             ("officer", cmd.MakeLicence, {"licence_no": "L-9"}), ("officer", cmd.IssueLicence, {}),
             ("clerk", cmd.Close, {})], start=1):
        r = desks[user].send(command(kind, case_id, version, status, "2026-11-02", desks[user], opinion="同意",
                                     **fields))
        assert r["status"] == "accepted", (user, r)
        status = r["result"]["status"]
    return case_id


def ask_on_the_evaluator(qtbot, evaluator, hall) -> tuple[str, dict]:  # noqa: ANN001
    """The window-2 clerk finishes a case and asks for its rating; the evaluator shows the ask.
    Returns the case id and the server's answer to `rating.ask_case`."""
    window, desk, _ = evaluator
    db, url, hall_id, windows = hall
    http = Http(url)
    case_id = closed_case(http, db, hall_id)
    device_id, token = new_device(db, "workstation", hall_id, windows[2])
    login = http.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD, "device_id": device_id})
    counter = Desk(http, device_id, token, login.json()["token"], "clerk")
    asked = counter.push("rating.ask_case", {"ask_id": str(uuid.uuid4()), "case_id": case_id,
                                             "at": "2026-11-23T09:55:00+08:00"}, None)
    assert asked["status"] == "accepted", asked
    desk.sync.sync_once()
    qtbot.waitUntil(lambda: window.flow.step is Step.ASK and window.flow.case is not None, timeout=5000)
    return case_id, asked


def test_the_evaluator_rates_the_case_finished_at_its_window_offline_first(  # noqa: ANN001
        qtbot, evaluator, hall, now, screenshot) -> None:  # noqa: F811
    window, desk, network = evaluator
    db = hall[0]
    case_id, asked = ask_on_the_evaluator(qtbot, evaluator, hall)
    title = window.ask.title.text()
    assert asked["result"]["reference"] in title and "…" in title and "张三" not in title
    screenshot(window, "evaluator/case-ask")
    network.down = True  # the tablet's cable is pulled while the citizen rates
    qtbot.mouseClick(window.ask.buttons[RatingLevel.DISSATISFIED], Qt.MouseButton.LeftButton)
    assert window.flow.step is Step.REASON
    window.reasons.sig_reason.emit("一次告知不清楚")
    assert window.flow.step is Step.THANKS
    qtbot.waitUntil(lambda: desk.sync.status().pending == 1, timeout=3000)
    assert desk.case_asked() is None  # the ask is closed locally: not asked again
    window.run(window.flow.idle())
    qtbot.wait(400)
    assert window.flow.step is Step.IDLE
    with pytest.raises(Exception):
        desk.sync.sync_once()
    with db.session() as s:
        assert s.scalars(select(CaseRating).where(CaseRating.case_id == case_id)).first() is None
    network.down = False
    desk.sync.sync_once()
    assert desk.sync.rejected() == []
    with db.session() as s:
        rating = s.scalars(select(CaseRating).where(CaseRating.case_id == case_id)).one()
        assert (rating.level, rating.reason, rating.by) == ("dissatisfied", "一次告知不清楚", "clerk")
        record = s.scalars(select(RatingRectification).where(RatingRectification.rating_id == rating.id)).one()
        assert record.source == "case"
    assert desk.case_asked() is None and window.flow.step is Step.IDLE


def test_an_unanswered_case_ask_is_asked_again_until_the_clerk_calls_the_next_citizen(  # noqa: ANN001
        qtbot, evaluator, hall, now) -> None:  # noqa: F811
    window, desk, _ = evaluator
    _, _, hall_id, windows = hall
    _, asked = ask_on_the_evaluator(qtbot, evaluator, hall)
    window.sig_idle.emit()  # the ask screen's countdown runs out: the citizen did not answer
    assert window.flow.step is Step.IDLE and window.stack.currentWidget() is window.clerk
    assert desk.sync.status().pending == 0 and desk.case_asked() is not None  # nothing recorded, still asked
    qtbot.wait(500)  # five polls within the rest: the clerk card stays
    assert window.flow.step is Step.IDLE
    now[0] += dt.timedelta(seconds=window.flow.reask_seconds)
    qtbot.waitUntil(lambda: window.flow.step is Step.ASK and window.flow.case is not None, timeout=5000)
    assert window.stack.currentWidget() is window.ask and asked["result"]["reference"] in window.ask.title.text()
    window.sig_idle.emit()
    assert window.flow.step is Step.IDLE

    # the clerk calls the next citizen to window 3 (what the next pull brings): the ask lapses
    called = now[0] + dt.timedelta(seconds=5)
    row = {"id": str(uuid.uuid4()), "hall_id": hall_id, "business_id": 1, "display": "A002",
           "day": called.date().isoformat(), "channel": "dispenser", "priority_class": 3,
           "issued_at": [0, 0, "d", 2], "queue_key": [0, 0, "d", 2], "state": "called", "window_id": windows[2],
           "clerk": "clerk", "periods": [{"kind": "waiting", "start": (called - dt.timedelta(minutes=20)).isoformat(),
                                          "end": called.isoformat(), "window_id": None},
                                         {"kind": "called", "start": called.isoformat(), "end": None,
                                          "window_id": windows[2]}]}
    with desk.sync.engine.begin() as conn:
        store.apply_changes(conn, [{"scope": f"hall:{hall_id}", "seq": 10_000, "table": "queue_ticket",
                                    "pk": row["id"], "op": "upsert", "row": row}])
    now[0] = called + dt.timedelta(seconds=window.flow.reask_seconds * 2)
    assert desk.case_asked() is None
    qtbot.wait(500)
    assert window.flow.step is Step.IDLE and window.flow.pending is None
    window.run(window.flow.evaluation_key())  # the key no longer brings the lapsed ask back
    assert window.flow.case is None
