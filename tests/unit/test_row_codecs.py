"""The row codecs round-trip: a ticket written as its published row (shared.protocol.queue_rows) reads back as
the same ticket and is a valid TicketRow; the window, call and rating rows match their wire models; the case
row (shared.approval.rows) says "stopped" exactly while the statutory clock stands still."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.approval import commands as cmd
from shared.approval.rows import case_row
from shared.china_time import CHINA_TZ
from shared.protocol.approval import CaseRow
from shared.protocol.queue import AppointmentRow, CallRow, RatingRow, TicketRow, WindowStateRow
from shared.protocol.queue_rows import (appointment_of, appointment_row, call_row, rating_row, row_after, ticket_of,
                                        ticket_progress, ticket_row, window_row, window_status_of)
from shared.queue.clock import IssueTime
from shared.queue.tickets import (Channel, GreenChannelReason, Period, PeriodKind, PriorityClass, Ticket,
                                  TicketState)
from tests.approval.factory import CALENDAR, D
from tests.approval.test_clocks import APRIL_28, short

START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
ZONES = st.sampled_from([dt.timezone.utc, CHINA_TZ])
PERSON_ID = "11010519491231002X"


@st.composite
def tickets(draw) -> Ticket:  # noqa: ANN001
    zone = draw(ZONES)
    offsets = sorted(draw(st.lists(st.integers(0, 8 * 3600 * 1000), min_size=1, max_size=6, unique=True)))
    times = [(START + dt.timedelta(milliseconds=ms)).astimezone(zone) for ms in offsets]
    kinds = draw(st.lists(st.sampled_from(PeriodKind), min_size=len(times), max_size=len(times)))
    open_last = draw(st.booleans())
    periods = tuple(Period(k, t, times[i + 1] if i + 1 < len(times) else (None if open_last else t),
                           draw(st.none() | st.integers(1, 40))) for i, (k, t) in enumerate(zip(kinds, times)))
    stamp = IssueTime(draw(st.integers(0, 2**45)), draw(st.integers(0, 99)), draw(st.text("abc-1", min_size=1)),
                      draw(st.integers(0, 10_000)))
    priority = draw(st.sampled_from(PriorityClass))
    return Ticket(id=draw(st.uuids()).hex, number=draw(st.from_regex(r"[A-H]\d{3}", fullmatch=True)),
                  business_id=draw(st.integers(1, 99)), issued_at=stamp, priority_class=priority,
                  channel=draw(st.sampled_from(Channel)), state=draw(st.sampled_from(TicketState)),
                  periods=periods, queue_key=draw(st.just(stamp) | st.builds(lambda s: dataclasses.replace(
                      s, device_seq=s.device_seq + 1), st.just(stamp))),
                  person_id=draw(st.none() | st.text("0123456789abcdef", min_size=8, max_size=8)),
                  appointment_id=draw(st.none() | st.uuids().map(str)),
                  green_reason=(draw(st.sampled_from(GreenChannelReason))
                                if priority is PriorityClass.GREEN_CHANNEL else None),
                  window_id=draw(st.none() | st.integers(1, 40)), clerk_id=draw(st.none() | st.just("clerk")),
                  target_window_id=draw(st.none() | st.integers(1, 40)), recalls=draw(st.integers(0, 5)),
                  transfers=draw(st.integers(0, 5)))


@settings(max_examples=200, deadline=None)
@given(tickets(), st.booleans())
def test_a_ticket_round_trips_through_its_published_row(ticket: Ticket, printed: bool) -> None:
    row = ticket_row(ticket, hall_id=1, day=dt.date(2026, 11, 23), person_key=ticket.person_id, printed=printed)
    TicketRow.model_validate(row)
    assert ticket_of(row) == ticket
    assert ticket_of(row, CHINA_TZ).periods[0].start.utcoffset() == dt.timedelta(hours=8)
    assert all(p["start"].endswith("Z") for p in row["periods"])  # one zone on every node


@settings(max_examples=100, deadline=None)
@given(tickets(), tickets())
def test_a_transition_changes_exactly_the_progress_fields(before: Ticket, after: Ticket) -> None:
    row = ticket_row(before, hall_id=1, day=dt.date(2026, 11, 23), person_key=None, printed=True)
    moved = row_after(row, dataclasses.replace(after, id=before.id))
    assert {k for k in row if row[k] != moved[k]} <= set(ticket_progress(after))
    assert ticket_of(moved).periods == after.periods and ticket_of(moved).state is after.state


def test_window_call_and_rating_rows_are_their_wire_models() -> None:
    at = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)
    window = window_row(window_id=3, hall_id=1, paused=True, current_ticket_id=None, since=at)
    assert WindowStateRow.model_validate(window).since == at and window["since"] == "2026-11-23T02:00:00Z"
    status = window_status_of(window)
    assert status.paused and status.paused_since == at
    assert not window_status_of({**window, "paused": False}).paused_since
    call = call_row(call_id="c1", hall_id=1, ticket_id="t1", display="A001", window_id=3, window_number=3,
                    kind="call", at=at)
    assert CallRow.model_validate(call).at == at
    rating = rating_row(rating_id="r1", hall_id=1, ticket_id="t1", window_id=3, clerk="clerk",
                        level="dissatisfied", reason="等太久", at=at, rectification_due=dt.date(2026, 11, 30))
    assert RatingRow.model_validate(rating).rectification_due == dt.date(2026, 11, 30)


def test_the_case_row_says_stopped_exactly_while_the_statutory_clock_stands_still() -> None:
    drv = short().accepted(APRIL_28)
    fields = {"hall_id": 1, "case_number": "SL2026000001", "applicant_name": "张三",
              "applicant_id_masked": "110105********002X", "applicant_key": "k"}

    def row(today: dt.date) -> dict:
        out = case_row(drv.state, drv.definition, CALENDAR, today, fields)
        CaseRow.model_validate(out)
        return out

    assert row(D(2026, 4, 29))["clocks"]["stopped"] is False
    drv.do(cmd.StartSpecialProcedure, "approver", D(2026, 4, 29), step="decide", category="testing",
           expected_days=5, reason="送检")
    during = row(D(2026, 5, 6))
    assert during["status"] == "special_procedure"
    assert (during["clocks"]["stopped"], during["clocks"]["statutory_due"]) == (True, None)
    drv.do(cmd.EndSpecialProcedure, "approver", D(2026, 5, 7), result="检测合格")
    after = row(D(2026, 5, 7))
    assert (after["clocks"]["stopped"], after["clocks"]["statutory_due"]) == (False, "2026-05-12")
    assert after["case_number"] == "SL2026000001" and after["mismatches"] == [] and after["hall_id"] == 1


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 30 * 24 * 60), ZONES, st.sampled_from(["booked", "cancelled", "checked_in", "late", "no_show"]))
def test_an_appointment_round_trips_through_its_published_row(minutes: int, zone: dt.tzinfo, state: str) -> None:
    start = (START + dt.timedelta(minutes=minutes)).astimezone(zone)
    row = appointment_row(appointment_id="a1", hall_id=1, business_id=4, day=start.astimezone(CHINA_TZ).date(),
                          slot_start=start, slot_end=start + dt.timedelta(minutes=30), person_key="k",
                          masked_id="110105********002X", state=state, token_key=None)
    assert AppointmentRow.model_validate(row).slot_start == start
    booking = appointment_of(row, PERSON_ID)
    assert (booking.id, booking.business_id, booking.person_id, booking.slot_start) == ("a1", 4, PERSON_ID, start)
    assert booking.cancelled is (state == "cancelled")
