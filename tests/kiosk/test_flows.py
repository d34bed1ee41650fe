"""The kiosk's journey state machines, without Qt: events in, steps and actions out."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from kiosk.flow import display as board
from kiosk.flow.dispenser import Cancel, DispenserFlow, Issue, LookUp, Print, Record, Report, Step
from kiosk.flow.evaluator import CaseAsk, EvaluatorFlow, Rate, RateCase, Visit, ask_in_force
from kiosk.flow.evaluator import Step as EStep
from shared.queue.appointments import Appointment, CheckIn, CheckInStatus
from shared.queue.printing import PrintState
from shared.queue.ratings import RatingLevel
from shared.queue.tickets import Channel

PERSON = "11010519491231002X"
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_tap_print_issue() -> None:
    f = DispenserFlow()
    assert f.tap(4) == [Issue(4, Channel.DISPENSER)] and f.step is Step.BUSY
    assert f.tap(5) == []  # a second tap while busy does nothing
    assert f.prepared_ticket("T") == [Print("T")]
    assert f.print_done() == [Record("T", PrintState.PRINTED)] and f.step is Step.ISSUED
    assert f.idle() == [] and f.step is Step.HOME and f.prepared is None


def test_print_failure_then_keep_number_or_leave() -> None:
    f = DispenserFlow()
    f.tap(1), f.prepared_ticket("T")
    assert f.print_failed("printer_paper_out") == [Record("T", PrintState.FAILED), Report("printer_paper_out")]
    assert f.step is Step.PRINT_FAILED and f.timeout() == 45
    assert f.retry_print() == [Print("T")]
    f.print_failed("printer_paper_out")
    assert f.keep_number() == [Record("T", PrintState.KEPT)] and f.step is Step.ISSUED and not f.printed
    g = DispenserFlow()
    g.tap(1), g.prepared_ticket("T"), g.print_failed("printer_offline")
    assert g.back() == [Cancel("T")] and g.step is Step.HOME  # leaving: nobody holds it, cancelled
    h = DispenserFlow()
    h.tap(1), h.prepared_ticket("T"), h.print_failed("printer_offline"), h.retry_print()
    assert h.print_done() == [Record("T", PrintState.PRINTED)]  # the reprint worked
    assert h.back() == [] and h.step is Step.HOME


def test_card_with_appointment_on_time_late_or_none() -> None:
    appointment = Appointment("a1", 7, PERSON, NOW)
    f = DispenserFlow()
    assert f.card(PERSON) == [LookUp(PERSON, Channel.ID_CARD)]
    on_time = CheckIn(appointment, CheckInStatus.ON_TIME)
    assert f.appointment(on_time) == [Issue(7, Channel.ID_CARD, PERSON, on_time)]
    g = DispenserFlow()
    g.card(PERSON)
    assert g.appointment(CheckIn(appointment, CheckInStatus.LATE)) == [] and g.step is Step.PICK
    assert g.note == "late_appointment"
    assert g.tap(3) == [Issue(3, Channel.ID_CARD, PERSON)]
    h = DispenserFlow()
    h.scanned("GOVHALL-ID:" + PERSON.lower())
    assert h.appointment(None) == [] and h.step is Step.PICK and h.channel is Channel.QR


def test_bad_inputs_are_refused_with_codes() -> None:
    f = DispenserFlow()
    assert f.scanned("hello") == [] and (f.step, f.refusal) == (Step.REFUSED, "qr_unreadable")
    g = DispenserFlow()
    g.card("110105194912310021")
    assert (g.step, g.refusal) == (Step.REFUSED, "bad_check_character")


def test_elderly_mode_doubles_the_time_to_act() -> None:
    f = DispenserFlow()
    f.tap(1), f.prepared_ticket("T"), f.print_done()
    normal = f.timeout()
    f.toggle_elderly()
    assert f.timeout() == 2 * normal


def visit(state: str, ticket: str = "t1") -> Visit:
    return Visit(ticket, "A001", "clerk", state)


def test_evaluator_asks_once_when_finished() -> None:
    f = EvaluatorFlow()
    assert f.observe(visit("serving")) == [] and f.step is EStep.IDLE
    f.observe(visit("finished"))
    assert f.step is EStep.ASK
    assert f.choose(RatingLevel.SATISFIED) == [Rate(visit("finished"), RatingLevel.SATISFIED, "")]
    f.idle()
    assert f.observe(visit("finished")) == [] and f.step is EStep.IDLE  # not asked again


def test_evaluator_bad_rating_needs_reason_and_timeout_means_not_rated() -> None:
    f = EvaluatorFlow()
    f.observe(visit("finished"))
    assert f.choose(RatingLevel.DISSATISFIED) == [] and f.step is EStep.REASON
    assert f.reason("  ") == []
    assert f.reason("等候时间太长") == [Rate(visit("finished"), RatingLevel.DISSATISFIED, "等候时间太长")]
    g = EvaluatorFlow()
    g.observe(visit("serving", "t2"))
    g.evaluation_key()
    assert g.idle() == [Rate(visit("serving", "t2"), None, "")] and g.step is EStep.IDLE


def test_a_case_ask_left_unanswered_is_asked_again_after_a_rest_until_rated() -> None:
    """一事一评: a timeout records nothing and keeps the ask; the evaluator asks again once idle for
    `reask_seconds` (a finished visit is rated meanwhile), or at once on the clerk's evaluation key."""
    ask = CaseAsk("ask-1", "case-1", "…001234", "食品经营许可")
    f = EvaluatorFlow(reask_seconds=60)
    assert f.observe_case(ask, NOW) == [] and f.step is EStep.ASK and f.case == ask
    assert f.idle(NOW + dt.timedelta(seconds=60)) == [] and f.step is EStep.IDLE and f.case is None
    rested = NOW + dt.timedelta(seconds=60)
    assert f.observe_case(ask, rested + dt.timedelta(seconds=59)) == [] and f.step is EStep.IDLE
    f.observe(visit("finished"))  # the visit's own rating is asked during the rest
    assert f.step is EStep.ASK and f.case is None
    assert f.choose(RatingLevel.SATISFIED) == [Rate(visit("finished"), RatingLevel.SATISFIED, "")]
    f.idle()
    assert f.observe_case(ask, rested + dt.timedelta(seconds=60)) == [] and f.step is EStep.ASK and f.case == ask
    f.choose(RatingLevel.DISSATISFIED)
    assert f.step is EStep.REASON
    f.idle(rested + dt.timedelta(seconds=120))  # walked away at the reasons: kept, nothing recorded
    assert f.step is EStep.IDLE and f.pending == ask
    assert f.evaluation_key() == [] and f.step is EStep.ASK and f.case == ask  # the clerk brings it back
    f.choose(RatingLevel.DISSATISFIED)
    assert f.reason("一次告知不清楚") == [RateCase(ask, RatingLevel.DISSATISFIED, "一次告知不清楚")]
    f.idle()
    assert f.observe_case(ask, rested + dt.timedelta(hours=1)) == [] and f.step is EStep.IDLE  # rated: never again


def test_a_lapsed_case_ask_is_dropped() -> None:
    ask = CaseAsk("ask-2", "case-2", "…005678", "道路运输经营许可")
    f = EvaluatorFlow()
    f.observe_case(ask, NOW)
    f.idle(NOW)
    assert f.pending == ask
    assert f.observe_case(None, NOW + dt.timedelta(minutes=5)) == [] and f.pending is None  # lapsed or rated
    assert f.evaluation_key() == [] and f.step is EStep.IDLE
    asked = NOW.replace(hour=9, minute=50)
    assert ask_in_force(asked, NOW, [asked - dt.timedelta(minutes=20)])  # the citizen called before the ask
    assert not ask_in_force(asked, NOW, [asked + dt.timedelta(minutes=1)])  # the next citizen called
    assert not ask_in_force(asked, NOW + dt.timedelta(days=1), [])  # the day is over
    late = (NOW - dt.timedelta(days=1)).replace(hour=23, minute=50)  # the hall day, not 24 hours, ends it
    assert not ask_in_force(late.astimezone(dt.timezone.utc), NOW.replace(hour=0, minute=10), [])


def call(cid: str, minutes: float, window: int = 1) -> dict:
    return {"id": cid, "display": f"A{cid}", "window_number": window,
            "at": (NOW + dt.timedelta(minutes=minutes)).isoformat()}


def test_display_announces_in_order_once() -> None:
    rows = [call("2", 1, 2), call("1", 0), {**call("3", 2), "accepted": False}]
    calls = board.calls_of(rows, NOW.date())
    assert [c.id for c in calls] == ["1", "2"]  # the losing claim is not announced
    assert [c.id for c in board.to_announce(calls, set(), NOW)] == ["1", "2"]
    assert board.to_announce(calls, {"1", "2"}, NOW) == []
    assert [c.id for c in board.to_announce(calls, None, NOW + dt.timedelta(minutes=3))] == ["2"]
    assert board.current_per_window(calls)[2].id == "2" and board.recent(calls)[0].id == "2"


def test_flows_and_services_do_not_import_qt() -> None:
    root = Path(__file__).resolve().parents[2] / "kiosk"
    for path in list((root / "flow").glob("*.py")) + list((root / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith(("PySide6", "gui.qt")) for n in names), path
