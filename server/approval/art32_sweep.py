"""The Art. 32 sweep (行政许可法 第三十二条): a case whose 5 working days after receipt passed without a
correction request counts as accepted on the day of receipt. The sweep records that for every such case.

It issues `approval.deem_accepted` through the same handler as a device's command (lock the case, check the
base, decide, append the events, project, publish to the hall and role scopes), acting as the system: actor
("system", "system") on device SWEEP_DEVICE. Each case gets its own savepoint; a case changed since the sweep
read it (stale base), or one whose window needs an unpublished calendar year, is skipped and tried again at
the next run. Running twice does nothing the second time: a deemed case is no longer in intake.

The warning before day 5 is no message: approval has no notification outbox (the queue's is for tickets).
Clerks see it on the case (CaseDetail.art32_warning / art32_deadline) and on the near-due worklist (a yellow
entry with clock "art32" on the 4th and 5th working day)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.approval import cache
from server.approval.handlers import spec
from server.approval.models import ApprovalCase
from server.approval.store import state_of
from server.scheduler import Scheduler
from server.sync.changes import ChangeWriter
from server.sync.devices import DeviceContext
from server.sync.registry import CommandContext, Rejected
from shared.approval.art32 import art32_lapsed
from shared.approval.definition import ART32_DAYS
from shared.approval.events import local_day
from shared.approval.guards import SYSTEM_ROLE
from shared.approval.lifecycle import INTAKE
from shared.calendar import CalendarNotPublished, WorkCalendar
from shared.protocol import approval as wire

log = logging.getLogger("govhall.approval.art32")

JOB = "approval.art32_deemed_acceptance"
# Daily in effect (a window lapses at a day boundary); hourly runs record it within an hour of midnight
# whenever the server was started, and cost one indexed query when nothing is due.
EVERY = dt.timedelta(hours=1)
SWEEP_DEVICE = "server:art32-sweep"
SYSTEM_USER = "system"
OPINION = "收到申请材料后五个工作日内未一次告知申请人需要补正的全部内容，依法自收到申请材料之日起即为受理" \
          "（《中华人民共和国行政许可法》第三十二条）"
_COMMAND_NS = uuid.UUID("0b6f3d52-8f0e-4d8e-9a43-2a3c1f7e5d21")


@dataclass(frozen=True)
class Due:
    """A case the sweep will deem accepted, with the version and status it saw (the command's base)."""
    case_id: str
    hall_id: int
    version: int
    status: str


@dataclass
class SweepResult:
    deemed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # case id → rejection code


def due_cases(session: Session, today: dt.date, calendar: WorkCalendar) -> list[Due]:
    """Cases in intake whose Art. 32 window lapsed before `today`, oldest first."""
    # The 5th working day is at least 5 calendar days after the window starts, and the window never starts
    # before receipt, so only cases received 6 or more days ago can have lapsed.
    latest = today - dt.timedelta(days=ART32_DAYS + 1)
    rows = session.scalars(select(ApprovalCase).where(
        ApprovalCase.status.in_(sorted(s.value for s in INTAKE)), ApprovalCase.received_on <= latest)
        .order_by(ApprovalCase.received_on, ApprovalCase.id)).all()
    due = []
    for case in rows:
        state = state_of(session, case.id)
        try:
            lapsed = state is not None and art32_lapsed(state, today, calendar)
        except CalendarNotPublished as exc:
            log.warning("art32 sweep: case %s needs the %s calendar", case.case_number, exc.year)
            continue
        if lapsed:
            due.append(Due(case.id, case.hall_id, state.version, state.status.value))
    return due


def deem(session: Session, due: list[Due], now: dt.datetime) -> SweepResult:
    """Issue the system's deem_accepted for each case, per hall, as a push would."""
    command = spec(wire.PREFIX + "deem_accepted")  # run as a push runs it: savepoint and error mapping
    result = SweepResult()
    for hall_id in sorted({d.hall_id for d in due}):
        writer = ChangeWriter(session, hall_id, now)  # hall counter first, then the case: a push's lock order
        device = DeviceContext(SWEEP_DEVICE, hall_id, "server", None, frozenset({SYSTEM_ROLE}), SYSTEM_USER)
        for d in (d for d in due if d.hall_id == hall_id):
            command_id = str(uuid.uuid5(_COMMAND_NS, f"{d.case_id}:{d.version}"))
            args = wire.CommandArgs(command_id=command_id, case_id=d.case_id, at=now, opinion=OPINION)
            base = {"case": d.case_id, "expected_version": d.version, "from_state": d.status}
            ctx = CommandContext(session, device, now, 0, command_id, "", writer)
            try:
                command.run(session, ctx, args, base)
            except Rejected as exc:  # stale base (a device got there first), calendar missing …
                result.skipped[d.case_id] = exc.code
                continue
            except IntegrityError:  # another server process recorded the same command meanwhile
                result.skipped[d.case_id] = "already_recorded"
                continue
            writer.keep(ctx.changes, ctx.deferred)
            result.deemed.append(d.case_id)
        writer.finish()
    if result.skipped:
        log.info("art32 sweep skipped %s", result.skipped)
    return result


def sweep(session: Session, now: dt.datetime) -> int:
    """The scheduler job: returns how many cases were deemed accepted (the scheduler wakes waiting devices
    once the job's transaction has committed)."""
    calendar = cache.calendar(session)
    return len(deem(session, due_cases(session, local_day(now), calendar), now).deemed)


def register(scheduler: Scheduler, state: object) -> None:
    """The approval domain's jobs (server/domain.py)."""
    scheduler.add(JOB, EVERY, sweep)
