"""The checks after a case_flow run (SYNC.md invariants 1, 4, 5 for cases), each adding PROBLEM lines:
answers and rejections back with their authors, valid histories, no stale transition applied, the
statutory clock (budget, used, remaining, due, card) against an independent day-by-day recount
(chinese_calendar read directly, stops and extensions read from the events), and statistics that add up.
Cases still open are recounted too — their current step clocks and, before acceptance, the Art. 32 window —
at the end and at a snapshot taken while most cases are in progress (the end of the receiving days)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import chinese_calendar
from sqlalchemy import select

from server.api.calendar import load_calendar
from server.approval.definitions import load_all
from shared.approval.definition import ART32_DAYS, WorkflowDefinition
from shared.approval.events import local_day
from server.approval.models import ApprovalCase, ApprovalEvent
from server.approval.queries import views_of
from server.sync.models import CommandLog
from shared.approval.history import InvalidHistory, validate_history
from shared.approval.serialization import event_from_dict
from shared.approval.statistics import statistics
from shared.protocol import approval as wire
from shared.sync.tables import confirmed, outbox

MARGIN = 2  # yellow within 2 working days, as the engine's default


@dataclass
class Report:
    cases: int = 0
    accepted: int = 0
    rejected: int = 0
    histories_checked: int = 0
    clocks_checked: int = 0
    open_checked: int = 0      # open cases whose step clocks / Art. 32 window were recounted
    rejection_codes: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _workday(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


def recount(start: dt.date, end: dt.date, stops: list[tuple[dt.date, dt.date]]) -> int:
    """Working days after `start` up to `end`; a stop's first day still counts, its last day does not."""
    n, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        if _workday(day) and not any(a < day <= b for a, b in stops):
            n += 1
        day += dt.timedelta(days=1)
    return n


def recount_due(start: dt.date, budget: int, stops: list[tuple[dt.date, dt.date]]) -> dt.date:
    day, n = start, 0
    while n < budget:
        day += dt.timedelta(days=1)
        if _workday(day) and not any(a < day <= b for a, b in stops):
            n += 1
    return day


def check_answers(flow, report: Report) -> None:  # noqa: ANN001
    with flow.db.session() as s:
        server = {r.command_id: (r.status, r.code) for r in s.execute(
            select(CommandLog.command_id, CommandLog.status, CommandLog.code))}
    for desk in flow.desks:
        with desk.client.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.command_id, outbox.c.status, outbox.c.code)).all()
        unanswered = [r.command_id for r in rows if r.status == "pending"]
        if unanswered:
            report.problems.append(f"{desk.user}: {len(unanswered)} commands never answered")
        for r in rows:
            if r.command_id not in flow.by_sync:
                continue
            if server.get(r.command_id) != (r.status, r.code):
                report.problems.append(f"{desk.user}: {r.command_id} is {r.status} here, "
                                       f"{server.get(r.command_id)} on the server")
            if r.status == "rejected":
                report.rejected += 1
                report.rejection_codes.append(r.code)
                if r.command_id not in desk.told:
                    report.problems.append(f"{desk.user}: rejection {r.command_id} not shown to its author")
            elif r.status == "accepted":
                report.accepted += 1


def check_histories(flow, report: Report, events: dict[str, list]) -> None:  # noqa: ANN001
    by_command = {e.command_id: e for es in events.values() for e in es}
    for case_id, es in events.items():
        try:
            validate_history(es)
            report.histories_checked += 1
        except InvalidHistory as exc:
            report.problems.append(f"case {case_id}: {exc}")
    for command_id, sent in flow.sent.items():
        e = by_command.get(command_id)
        if e is None or sent["name"] in wire.ANNOTATIONS:
            continue
        base = sent["base"]
        if (e.seq - 1, e.status_before.value if e.status_before else None) != (base["expected_version"],
                                                                                 base["from_state"]):
            report.problems.append(f"case {e.case_id}: {sent['name']} applied on a stale base {base}")


def _stops(es: list, kinds: tuple[str, ...]) -> list[tuple[str, dt.date, dt.date | None]]:
    """(kind, first day, last day or None while open) of the clock stops, read from the events."""
    opened: dict[str, dt.date] = {}
    out = []
    for e in es:
        a = e.action.value
        if a == "start_special_procedure":
            opened["special"] = e.day
        elif a == "request_correction":
            opened["correction"] = e.day
        elif a in ("end_special_procedure", "receive_correction"):
            kind = "special" if a == "end_special_procedure" else "correction"
            if kind in opened:
                out.append((kind, opened.pop(kind), e.day))
        elif a in ("withdraw", "terminate", "reject_application"):
            out += [(k, d, e.day) for k, d in opened.items()]
            opened.clear()
    out += [(k, d, None) for k, d in opened.items()]
    return [x for x in out if x[0] in kinds]


def _expect(start: dt.date, budget: int, stops: list, finished: dt.date | None,
            today: dt.date) -> tuple[int, dt.date | None, str]:
    """(used, due, card) of a clock from `start` with `budget` working days, recounted."""
    end = finished or today
    used = recount(start, end, [(a, b or end) for _, a, b in stops])
    running_stop = finished is None and any(b is None for _, _, b in stops)
    due = None if running_stop else recount_due(start, budget, [(a, b) for _, a, b in stops if b is not None])
    if finished is not None:
        card = "red_card" if due is not None and finished > due else "green"
    elif (due is not None and today > due) or used > budget:
        card = "red_card"
    else:
        card = "yellow_card" if budget - used <= MARGIN else "green"
    return used, due, card


def check_clocks(flow, report: Report, pairs, today: dt.date,  # noqa: ANN001
                 events: dict[str, list], definitions: dict[tuple[str, str, int], WorkflowDefinition]) -> None:
    for case, view in pairs:
        s, clock = view.state, view.statutory
        if s.accepted_on is None or clock is None:
            continue
        es = events[case.id]
        d = definitions[(case.item_code, case.situation_code, case.definition_version)]
        budget = d.statutory_limit_days + sum(e.payload["days"] for e in es if e.action.value == "extend")
        kinds = ("special", "correction") if d.correction_stops_clock else ("special",)
        stops = [x for x in _stops(es, kinds) if x[0] == "special" or x[1] >= s.accepted_on]
        used, due, card = _expect(s.accepted_on, budget, stops, s.decided_on or s.ended_on, today)
        got = (clock.budget, clock.used, clock.remaining, clock.due, clock.card.value)
        if got != (budget, used, budget - used, due, card):
            report.problems.append(f"case {case.case_number}: engine clock {got}, "
                                   f"recount {(budget, used, budget - used, due, card)}")
        report.clocks_checked += 1


def _entered(es: list, step: str) -> dt.date:
    """The day the case last came to `step` (the event whose steps_after first named it again)."""
    day, before = es[0].day, ()
    for e in es:
        if step in e.steps_after and step not in before:
            day = e.day
        before = e.steps_after
    return day


def check_open_cases(flow, report: Report, pairs, today: dt.date, events: dict[str, list],  # noqa: ANN001
                     definitions: dict[tuple[str, str, int], WorkflowDefinition]) -> None:
    """The step clocks of every open case, and the Art. 32 window of those still awaiting acceptance."""
    for case, view in pairs:
        if not view.is_open:
            continue
        es, s = events[case.id], view.state
        d = definitions[(case.item_code, case.situation_code, case.definition_version)]
        stops = _stops(es, ("special", "correction"))  # a step's own clock waits for either
        for step in s.current_steps:
            clock = view.steps.get(step)
            want = _expect(_entered(es, step), d.step(step).limit_days, stops, None, today)
            got = (clock.used, clock.due, clock.card.value) if clock else None
            if got != want:
                report.problems.append(f"case {case.case_number} step {step}: engine {got}, recount {want}")
        report.open_checked += 1
        _check_art32(report, case, view, es, today)


def _check_art32(report: Report, case, view, es: list, today: dt.date) -> None:  # noqa: ANN001
    starts = [e for e in es if e.action.value == "receive"
              or (e.action.value == "receive_correction" and e.status_after.value != "in_review")]
    window = starts[-1]
    asked = any(e.action.value == "request_correction" and e.seq > window.seq for e in es)
    expected = None
    if view.state.status.value in ("received", "pre_accepted") and not asked:
        deadline = recount_due(window.day, ART32_DAYS, [])
        left = recount(today, deadline, []) if today <= deadline else -recount(deadline, today, [])
        expected = (window.day, deadline, left, today <= deadline and left <= 1, today > deadline)
    a = view.art32
    got = (a.window_start, a.deadline, a.workdays_left, a.warning, a.lapsed) if a else None
    if got != expected:
        report.problems.append(f"case {case.case_number}: engine Art. 32 {got}, recount {expected}")


def check_statistics(report: Report, pairs) -> None:  # noqa: ANN001
    table = statistics([v for _, v in pairs], ["month"])
    total = sum(c.received for c in table.values())
    if total != len(pairs):
        report.problems.append(f"statistics count {total} cases, the database holds {len(pairs)}")
    for key, c in table.items():
        parts = c.in_progress + c.closed + c.not_accepted + c.withdrawn + c.terminated
        if parts != c.received or c.granted + c.refused > c.accepted:
            report.problems.append(f"statistics {key} do not add up: {c}")
    report.figures += [f"statistics {k[0]}: received={c.received} accepted={c.accepted} granted={c.granted} "
                       f"refused={c.refused} in_progress={c.in_progress} overdue={c.overdue} "
                       f"avg_cycle={c.average_cycle_days or 0:.1f}wd" for k, c in table.items()]


def check_caches(flow, report: Report, server: dict[str, int]) -> None:  # noqa: ANN001
    for desk in flow.desks:
        with desk.client.engine.connect() as conn:
            cached = {row["id"]: row["version"] for row, in conn.execute(
                select(confirmed.c.row).where(confirmed.c.tbl == "approval_case"))}
        if cached != server:
            diff = sum(1 for k in server.keys() | cached.keys() if cached.get(k) != server.get(k))
            report.problems.append(f"{desk.user}: cache differs from the server on {diff} cases")


def _load(flow, today: dt.date):  # noqa: ANN001, ANN202
    with flow.db.session() as s:
        events: dict[str, list] = defaultdict(list)
        for body, in s.execute(select(ApprovalEvent.body).order_by(ApprovalEvent.case_id, ApprovalEvent.seq)):
            events[body["case_id"]].append(event_from_dict(body))
        cases = list(s.scalars(select(ApprovalCase)))
        definitions = load_all(s)
        pairs = views_of(s, cases, today, load_calendar(s))
    return cases, events, definitions, pairs


def snapshot(flow, today: dt.date) -> Report:  # noqa: ANN001
    """The clocks of every case as the server holds them on `today`, mid-run, recounted."""
    report = Report()
    cases, events, definitions, pairs = _load(flow, today)
    check_clocks(flow, report, pairs, today, events, definitions)
    check_open_cases(flow, report, pairs, today, events, definitions)
    report.figures.append(f"snapshot {today}: cases={len(cases)} open={report.open_checked} "
                          f"clocks={report.clocks_checked}")
    return report


def check_all(flow) -> Report:  # noqa: ANN001
    report = Report()
    check_answers(flow, report)
    today = local_day(flow.now)
    cases, events, definitions, pairs = _load(flow, today)
    report.cases = len(cases)
    server = {c.id: c.version for c in cases}
    check_histories(flow, report, events)
    check_clocks(flow, report, pairs, today, events, definitions)
    check_open_cases(flow, report, pairs, today, events, definitions)
    for mid in flow.snapshots:
        report.figures += mid.figures
        report.problems += mid.problems
        report.clocks_checked += mid.clocks_checked
        report.open_checked += mid.open_checked
    check_statistics(report, pairs)
    check_caches(flow, report, server)
    return report
