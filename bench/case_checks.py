"""The checks after a case_flow run (SYNC.md invariants 1, 4, 5 for cases), each adding PROBLEM lines:
answers and rejections back with their authors, valid histories, no stale transition applied, the
statutory clock and card against an independent day-by-day recount (chinese_calendar read directly), and
statistics that add up."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import chinese_calendar
from sqlalchemy import select

from server.api.calendar import load_calendar
from server.approval.definitions import load_all
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
                report.problems.append(f"{desk.user}: {r.command_id} is {r.status} here, {server.get(r.command_id)} "
                                       "on the server")
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


def check_clocks(flow, report: Report, pairs, today: dt.date, events: dict[str, list]) -> None:  # noqa: ANN001
    for case, view in pairs:
        s, clock = view.state, view.statutory
        if s.accepted_on is None or clock is None:
            continue
        stops, started = [], None
        for e in events[case.id]:
            if e.action.value == "start_special_procedure":
                started = e.day
            elif started is not None and e.action.value in ("end_special_procedure", "withdraw", "terminate"):
                stops.append((started, e.day))
                started = None
        end = s.decided_on or s.ended_on or today
        closed = list(stops)
        if started is not None:
            stops.append((started, end))
        budget = clock.budget
        used = recount(s.accepted_on, end, stops)
        due = None if started is not None and s.decided_on is None else recount_due(s.accepted_on, budget, closed)
        finished = s.decided_on or s.ended_on
        if finished is not None:
            card = "red_card" if due is not None and finished > due else "green"
        elif (due is not None and today > due) or used > budget:
            card = "red_card"
        else:
            card = "yellow_card" if budget - used <= MARGIN else "green"
        got = (clock.used, clock.due, clock.card.value)
        if got != (used, due, card):
            report.problems.append(f"case {case.case_number}: engine clock {got}, recount {(used, due, card)}")
        report.clocks_checked += 1


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


def check_all(flow) -> Report:  # noqa: ANN001
    report = Report()
    check_answers(flow, report)
    today = (flow.now + dt.timedelta(hours=8)).date()
    with flow.db.session() as s:
        events: dict[str, list] = defaultdict(list)
        for body, in s.execute(select(ApprovalEvent.body).order_by(ApprovalEvent.case_id, ApprovalEvent.seq)):
            events[body["case_id"]].append(event_from_dict(body))
        cases = list(s.scalars(select(ApprovalCase)))
        report.cases = len(cases)
        load_all(s)
        pairs = views_of(s, cases, today, load_calendar(s))
        server = {c.id: c.version for c in cases}
    check_histories(flow, report, events)
    check_clocks(flow, report, pairs, today, events)
    check_statistics(report, pairs)
    check_caches(flow, report, server)
    return report
