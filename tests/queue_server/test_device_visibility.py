"""Each device kind reads the least its screens need (server.sync.visibility; issue 18): after a day's worth
of rows of every kind — a case accepted at a counter, a ticket taken with an ID card, an appointment booked
online — a display's and an evaluator's pulls and snapshots hold no case row, no staff list and no index
key naming a citizen (an evaluator and the hall controller get the serving clerk's badge alone); a dispenser
gets its tickets' keys (under its hall's ticket key) but no case and no staff row. A workstation still reads
everything."""

from __future__ import annotations

import datetime as dt
import json
import re

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from shared.queue.printing import PrintState
from shared.protocol.sync import cursors_param
from shared.queue.tickets import Channel
from shared.sync.client import SyncClient
from tests.queue_server.test_row_differential import NOW, PERSON_ID, Hall, hall  # noqa: F401  (fixture)
from tests.sync.support import new_device

CASE_TABLES = {"approval_case", "approval_event", "approval_definition"}
CARD_ID = "440106198001010019"
PERSON_KEYS = {"person_key", "token_key", "masked_id", "applicant_key"}


def _day_of_rows(hall: Hall) -> None:  # noqa: F811
    counter = hall.counter(1)
    counter.sync.sync_once()
    choice = next(c for c in counter.catalogue.choices
                  if c.situations and any(r for _, r in c.situations[0].materials))
    situation = choice.situations[0]
    applicant = Applicant(PERSON, "张三", PERSON_ID, from_card=False)
    counter.acceptance.accept(Application(choice, situation.code, applicant,
                                          tuple(name for name, _ in situation.materials)))
    counter.sync.sync_once()
    dispenser = hall.device("dispenser", "dispenser")
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=bytes(range(32)), now=lambda: NOW)
    desk.track_today()
    dispenser.sync_once()
    business = next(e.business.id for e in desk.directory.entries if e.business.prefix == "A")
    desk.settle(desk.issue(business, Channel.ID_CARD, CARD_ID), PrintState.PRINTED)
    dispenser.sync_once()
    assert dispenser.rejected() == []
    slot = dt.datetime.combine(NOW.date() + dt.timedelta(days=7), dt.time(9, 0), NOW.tzinfo)
    while slot.weekday() >= 5:
        slot += dt.timedelta(days=1)
    booked = hall.http.post("/api/v1/queue/appointments", json={"business_id": business,
                                                               "slot_start": slot.isoformat(),
                                                               "id_number": CARD_ID})
    assert booked.status_code == 201, booked.text


def _pulled(hall: Hall, kind: str, window_index: int | None = None) -> tuple[list[dict], list[dict]]:  # noqa: F811
    """(every change a fresh device of this kind pulls, every row of its scopes' snapshots)."""
    window = hall.windows[window_index] if window_index is not None else None
    device_id, token = new_device(hall.db, kind, hall.hall_id, window)
    auth = {"authorization": f"Bearer {token}"}
    changes, cursors, scopes = [], "", []
    while True:
        page = hall.http.get("/api/v1/sync/pull", params={"cursors": cursors, "limit": 500}, headers=auth).json()
        changes += page["changes"]
        scopes = page["scopes"]
        cursors = cursors_param(page["cursors"])
        if not page["has_more"]:
            break
    rows = []
    for scope in scopes:
        rows += hall.http.get("/api/v1/sync/snapshot", params={"scope": scope}, headers=auth).json()["rows"]
    return changes, rows


def _keys(change: dict) -> set[str]:
    return set(change["row"] or {})


def test_display_and_evaluator_get_no_case_no_staff_list_no_index(hall: Hall) -> None:  # noqa: F811
    _day_of_rows(hall)
    for kind, window in (("display", None), ("evaluator", 0)):
        for where, got in zip(("pull", "snapshot"), _pulled(hall, kind, window)):
            tables = {c["table"] for c in got}
            assert not tables & CASE_TABLES, f"{kind} {where}: case rows"
            assert "staff_role" not in tables and "queue_appointment" not in tables, f"{kind} {where}"
            assert "queue_ticket" in tables, f"{kind} {where}: it still shows the queue"
            leaked = [c["table"] for c in got if _keys(c) & PERSON_KEYS]
            assert leaked == [], f"{kind} {where}: index keys in {leaked}"
            text = json.dumps(got, ensure_ascii=False)
            assert "张三" not in text and PERSON_ID[-6:] not in text
            assert "staff_user" not in tables, f"{kind} {where}: the staff list"


def test_dispenser_gets_ticket_keys_but_no_case_and_no_staff(hall: Hall) -> None:  # noqa: F811
    _day_of_rows(hall)
    for got in _pulled(hall, "dispenser"):
        tables = {c["table"] for c in got}
        assert not tables & (CASE_TABLES | {"staff_user", "staff_role"})
        assert any(c["table"] == "queue_ticket" and c["row"].get("person_key") for c in got)
        keys = [c["row"]["person_key"] for c in got if c["table"] == "queue_appointment"]
        assert keys
        # Under the hall's ticket key (what the dispenser is provisioned with), not the cases' index key.
        from shared.approval.personal import RESIDENT_ID, search_key
        from shared.crypto.keys import keys_from_environment
        from shared.crypto.ticket_key import ticket_key_for
        server_keys = keys_from_environment()
        assert set(keys) == {search_key(RESIDENT_ID, CARD_ID, ticket_key_for(server_keys, hall.hall_id))}
        assert search_key(RESIDENT_ID, CARD_ID, server_keys) not in keys


def test_a_workstation_still_reads_cases_and_staff(hall: Hall) -> None:  # noqa: F811
    _day_of_rows(hall)
    changes, _ = _pulled(hall, "workstation", 0)
    tables = {c["table"] for c in changes}
    assert {"approval_case", "staff_user", "staff_role", "queue_appointment"} <= tables


def test_a_kiosk_cursor_passes_the_rows_it_is_not_given(hall: Hall) -> None:  # noqa: F811
    """Otherwise the events long-poll would wake it for ever for case rows it never receives."""
    _day_of_rows(hall)
    device_id, token = new_device(hall.db, "display", hall.hall_id)
    page = hall.http.get("/api/v1/sync/pull", params={"limit": 5000},
                         headers={"authorization": f"Bearer {token}"}).json()
    assert not page["has_more"]
    last_case = max(c["seq"] for c in _pulled(hall, "workstation", 0)[0] if c["table"] == "approval_case")
    assert page["cursors"][f"hall:{hall.hall_id}"] >= last_case


def test_led_addresses_reach_the_controller_and_usual_windows_the_workstations_only(hall: Hall) -> None:  # noqa: F811
    """The admin's LED address of a window goes to the hall controller (and workstations); a clerk's usual
    window to workstations only. No dispenser, display or evaluator receives either."""
    from sqlalchemy import select

    from server.store.models import StaffAssignment, WindowSetting
    from server.sync.reference import publish_all_halls
    from shared.db.models import StaffUser
    with hall.db.session() as s:
        clerk = s.scalars(select(StaffUser).where(StaffUser.username == "clerk")).one()
        s.add(WindowSetting(window_id=hall.windows[2], led_address="13"))
        s.add(StaffAssignment(user_id=clerk.id, window_id=hall.windows[2]))
        s.flush()
        publish_all_halls(s, NOW)
    got = {}
    for kind, window in (("dispenser", None), ("display", None), ("evaluator", 0), ("controller", None),
                         ("workstation", 0)):
        for where, changes in zip(("pull", "snapshot"), _pulled(hall, kind, window)):
            got[kind, where] = {c["table"]: c["row"] for c in changes if c["table"] in ("window_led",
                                                                                      "staff_usual_window")}
    for where in ("pull", "snapshot"):
        for kind in ("dispenser", "display", "evaluator"):
            assert got[kind, where] == {}, f"{kind} {where}"
        assert got["controller", where] == {"window_led": {"window_id": hall.windows[2], "number": 3,
                                                           "led_address": "13"}}, where
        assert got["workstation", where]["staff_usual_window"] == {
            "user_id": clerk.id, "username": "clerk", "window_id": hall.windows[2], "window_number": 3}, where


def _birth_date_search(masked: str, key: str, ticket_key: bytes) -> str | None:
    """The issue's attack with what a dispenser holds: a masked ID (area and last four shown) and its blind
    index under the key in the dispenser's own config; only the birth date is left to try (about 46,000)."""
    from shared.approval.personal import RESIDENT_ID, search_key
    from shared.validation import resident_id_check_character
    area, tail = masked[:6], masked[-4:]
    day = dt.date(1900, 1, 1)
    while day.year < 2027:
        first17 = f"{area}{day:%Y%m%d}{tail[:3]}"
        if resident_id_check_character(first17) == tail[3] and \
                search_key(RESIDENT_ID, first17 + tail[3], ticket_key) == key:
            return first17 + tail[3]
        day += dt.timedelta(days=1)
    return None


def test_a_dispensers_rows_and_its_ticket_key_give_no_id_number_back(hall: Hall) -> None:  # noqa: F811
    """A dispenser holds its hall's ticket key (to match a swiped card offline) and the appointments' and
    tickets' blind indexes under it. It gets no masked ID beside them: with one, a search over birth dates
    would turn every booking's index into the full ID number in a fraction of a second, the attack the issue
    made with the cases' key. The workstation's counter still shows the masked ID."""
    from shared.crypto.keys import keys_from_environment
    from shared.crypto.ticket_key import ticket_key_for
    _day_of_rows(hall)
    ticket_key = ticket_key_for(keys_from_environment(), hall.hall_id)
    for got in _pulled(hall, "dispenser"):
        rows = [c["row"] for c in got if c["table"] in ("queue_appointment", "queue_ticket") and c["row"]]
        assert any(r.get("person_key") for r in rows)
        assert not [r for r in rows if "masked_id" in r], "a masked ID beside a blind index the kiosk can compute"
        assert not [r for r in rows if re.search(r"\d{6}\*+\d{3}[\dX]", json.dumps(r))]
    # What the attack needed, as the workstation still gets it (and the attack, to show what it takes).
    changes, _ = _pulled(hall, "workstation", 0)
    [row] = [c["row"] for c in changes if c["table"] == "queue_appointment" and c["row"]]
    assert _birth_date_search(row["masked_id"], row["person_key"], ticket_key) == CARD_ID


def test_evaluators_and_the_controller_get_the_serving_clerks_badge_alone(hall: Hall) -> None:  # noqa: F811
    """No staff list: the badge (staff id, name, 工号) of the clerk who called at a window, published then;
    an evaluator gets its own window's only, the hall controller every window's, a display none. No staff
    username either: a ticket's clerk reaches an evaluator on its own window's tickets only."""
    _day_of_rows(hall)
    dispenser = hall.device("dispenser", "dispenser2")
    desk = TicketDesk(dispenser, load_directory(dispenser.engine), ticket_key=bytes(range(32)),
                      now=lambda: NOW)
    desk.track_today()
    dispenser.sync_once()
    counters = [hall.counter(n) for n in (2, 3)]  # window 1 has served a case
    for counter in counters:
        counter.sync.sync_once()
        served = {s.business_id for s in counter.desk.window.services}
        business = next(e.business.id for e in desk.directory.entries if e.business.id in served)
        desk.settle(desk.issue(business, Channel.DISPENSER), PrintState.PRINTED)
        dispenser.sync_once()
        counter.sync.sync_once()
        assert counter.desk.call_next() is not None
        counter.sync.sync_once()
        assert counter.sync.rejected() == []
    clerk = {"user_id": _staff_id(hall, "clerk"), "display_name": "王晓敏", "staff_no": "DG0101",
             "day": NOW.date().isoformat(), "hall_id": hall.hall_id}
    mine, other = (str(hall.windows[i]) for i in (1, 2))
    for kind, window, expected in (("evaluator", 1, {mine}), ("controller", None, {mine, other}),
                                   ("display", None, set()), ("dispenser", None, set())):
        for where, got in zip(("pull", "snapshot"), _pulled(hall, kind, window)):
            assert not {c["table"] for c in got} & {"staff_user", "staff_role"}, f"{kind} {where}"
            badges = {c["pk"]: c["row"] for c in got if c["table"] == "window_badge"}
            assert set(badges) == expected, f"{kind} {where}"
            for pk, row in badges.items():
                assert row == {**clerk, "window_id": int(pk)}, f"{kind} {where}"
            assert '"username"' not in json.dumps(got), f"{kind} {where}"
            # who served a ticket: an evaluator reads it on its own window's tickets only, display and
            # controller not at all
            served = {c["row"]["window_id"]: c["row"].get("clerk") for c in got
                      if c["table"] == "queue_ticket" and c["row"]["window_id"] is not None}
            if kind != "dispenser":  # (whose optimistic ticket rows are the server's, the clerk included)
                assert served == ({int(mine): "clerk", int(other): None} if kind == "evaluator" else
                                  {int(mine): None, int(other): None}), f"{kind} {where}"
    # a second call by the same clerk at the same window publishes no new badge
    before = _badge_changes(hall)
    counter = counters[0]
    served = {s.business_id for s in counter.desk.window.services}
    business = next(e.business.id for e in desk.directory.entries if e.business.id in served)
    desk.settle(desk.issue(business, Channel.DISPENSER), PrintState.PRINTED)
    dispenser.sync_once()
    counter.sync.sync_once()
    counter.desk.start()
    counter.desk.finish()
    assert counter.desk.call_next() is not None
    counter.sync.sync_once()
    assert counter.sync.rejected() == []
    assert _badge_changes(hall) == before


def _staff_id(hall: Hall, username: str) -> int:  # noqa: F811
    from sqlalchemy import select
    from shared.db.models import StaffUser
    with hall.db.session() as session:
        return session.scalars(select(StaffUser.id).where(StaffUser.username == username)).one()


def _badge_changes(hall: Hall) -> int:  # noqa: F811
    from sqlalchemy import func, select
    from server.sync.models import ChangeLog
    with hall.db.session() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)
                              .where(ChangeLog.tbl == "window_badge"))


def test_a_case_asked_at_a_window_reaches_that_windows_evaluator_alone(hall: Hall) -> None:  # noqa: F811
    """一事一评 on the evaluator: the `case_rating_ask` row of a window (pk: the window id) goes to that window's
    evaluator and to workstations; another window's evaluator, a display, a dispenser and the controller get
    none."""
    import uuid

    from server.sync.changes import publish
    from shared.protocol.rating import CASE_ASK_TABLE, case_ask_row
    _day_of_rows(hall)
    with hall.db.session() as session:
        for window in hall.windows[:2]:
            row = case_ask_row(ask_id=str(uuid.uuid4()), hall_id=hall.hall_id, window_id=window,
                               case_id=str(uuid.uuid4()), case_number="DG2026000123", item_name="食品经营许可",
                               at=NOW)
            publish(session, hall.hall_id, f"hall:{hall.hall_id}", CASE_ASK_TABLE, str(window), row, now=NOW)
        session.commit()
    mine, other = (str(w) for w in hall.windows[:2])
    for kind, window, expected in (("evaluator", 0, {mine}), ("evaluator", 1, {other}), ("display", None, set()),
                                   ("dispenser", None, set()), ("controller", None, set()),
                                   ("workstation", 0, {mine, other})):
        for where, got in zip(("pull", "snapshot"), _pulled(hall, kind, window)):
            asked = {c["pk"]: c["row"] for c in got if c["table"] == CASE_ASK_TABLE}
            assert set(asked) == expected, f"{kind} {window} {where}"
            for row in asked.values():
                assert row["reference"] == "…000123" and "DG2026000123" not in json.dumps(row)
