"""The Art. 32 sweep on the server's scheduler, with a fixed clock across the 2026 National Day holiday and its
make-up Saturday: received Tue 09-29, the 5 working days are 09-30, 10-08, 10-09, 10-10 (Saturday, a make-up
working day) and 10-12, so the case counts as accepted (on 09-29) from 10-13 — not from 10-07 as a weekday count
would have it, nor from 10-14 as a count that missed the make-up Saturday would."""

from __future__ import annotations

from sqlalchemy import func, select

from server.approval import art32_sweep, near_due_alerts
from server.approval.models import ApprovalCase, ApprovalEvent
from server.sync.models import ChangeLog
from shared.approval import commands as cmd
from tests.approval_server.support import at, command, receive

RECEIVED = "2026-09-29"


def _events(database, case_id: str) -> list[dict]:  # noqa: ANN001
    with database.session() as session:
        return [r.body for r in session.scalars(select(ApprovalEvent).where(ApprovalEvent.case_id == case_id)
                                                .order_by(ApprovalEvent.seq))]


def _case(database, case_id: str) -> tuple[str, int, object]:  # noqa: ANN001
    with database.session() as session:
        c = session.get(ApprovalCase, case_id)
        return c.status, c.version, c.accepted_on


def test_the_sweep_deems_acceptance_only_after_the_fifth_working_day(app, desks, database,  # noqa: ANN001
                                                                     hall_id) -> None:
    clerk = desks["clerk"]
    lapsing, _ = receive(clerk, day=RECEIVED)
    corrected, _ = receive(clerk, day=RECEIVED)
    r = clerk.send(command(cmd.RequestCorrection, corrected, 1, "received", "2026-09-30", clerk,
                           items=(cmd.CorrectionItem("申请表", "缺少签名"),)))
    assert r["status"] == "accepted", r
    scheduler = app.state.scheduler
    assert art32_sweep.JOB in scheduler.jobs
    scheduler.jobs.pop(near_due_alerts.JOB)  # its 临近时限 alerts on these days would wake devices too
    woken: list[tuple[int, int]] = []
    app.state.sync_hub.notify = lambda hall, seq: woken.append((hall, seq))
    for day in ("2026-10-07", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-11", "2026-10-12"):
        assert scheduler.run_due(at(day, 23))[art32_sweep.JOB] == 0, day
    assert _case(database, lapsing)[:2] == ("received", 1)

    assert woken == []
    assert scheduler.run_due(at("2026-10-13", 0))[art32_sweep.JOB] == 1
    assert [hall for hall, seq in woken] == [hall_id] and woken[0][1] > 0  # waiting devices pull at once
    status, version, accepted_on = _case(database, lapsing)
    assert (status, version, accepted_on.isoformat()) == ("in_review", 2, RECEIVED)
    deemed = _events(database, lapsing)[-1]
    assert deemed["action"] == "deemed_accepted_art32"
    assert deemed["actor"] == {"user_id": "system", "role": "system"}
    assert deemed["device"] == art32_sweep.SWEEP_DEVICE
    assert deemed["payload"]["accepted_on"] == RECEIVED and deemed["payload"]["art32_deadline"] == "2026-10-12"
    assert deemed["payload"]["reason"] == "deemed_accepted_art32" and "第三十二条" in deemed["opinion"]
    assert _case(database, corrected)[0] == "correction_requested"  # told in time: no deemed acceptance
    with database.session() as session:  # published like a device's command: the hall and the role scopes
        published = session.execute(select(ChangeLog.scope, ChangeLog.row).where(
            ChangeLog.tbl == "approval_case", ChangeLog.pk == lapsing).order_by(ChangeLog.seq.desc())).all()
    latest = {scope: row for scope, row in reversed(published)}
    assert latest[f"hall:{hall_id}"]["status"] == "in_review"
    assert any(s.startswith("role:") for s in latest)

    # idempotent: later runs find nothing, and the case moves on from the sweep's event as usual
    assert scheduler.run_due(at("2026-10-14", 9))[art32_sweep.JOB] == 0
    assert len(_events(database, lapsing)) == 2


def test_a_device_command_after_the_sweep_read_the_case_wins(app, desks, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk, day=RECEIVED)
    now = at("2026-10-13", 9)
    with database.session() as session:
        due = art32_sweep.due_cases(session, now.date(), art32_sweep.cache.calendar(session))
    assert [d.case_id for d in due] == [case_id]
    r = clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-10-13", clerk))  # the counter, meanwhile
    assert r["status"] == "accepted", r
    with database.session() as session:
        result = art32_sweep.deem(session, due, now)
    assert result.deemed == [] and result.skipped == {case_id: "stale_command"}
    actions = [e["action"] for e in _events(database, case_id)]
    assert actions == ["receive", "accept"]
    # the counter's acceptance on a lapsed window was itself backdated (Art. 32 applies whoever records it)
    assert _case(database, case_id)[2].isoformat() == RECEIVED


def test_a_window_in_an_unpublished_year_is_skipped_not_guessed(app, desks, database) -> None:  # noqa: ANN001
    clerk = desks["clerk"]
    case_id, _ = receive(clerk, day=RECEIVED)
    with database.session() as session:
        # the package's data ends before this year and no admin published it: nothing is deemed
        due = art32_sweep.due_cases(session, at("2040-01-20").date(), art32_sweep.cache.calendar(session))
        count = session.scalar(select(func.count()).select_from(ApprovalEvent)
                               .where(ApprovalEvent.case_id == case_id))
    assert due == [] and count == 1


def test_the_near_due_worklist_warns_before_the_window_closes(client, clock, desks) -> None:  # noqa: ANN001
    from tests.fixtures.server import login

    case_id, _ = receive(desks["clerk"], day=RECEIVED)

    def art32_entries(day: str) -> list[dict]:
        clock.now = at(day)
        groups = client.get("/api/v1/worklists/near-due", headers=login(client, "clerk")).json()
        return [e for g in groups for e in g["entries"] if e["case_id"] == case_id and e["clock"] == "art32"]

    assert art32_entries("2026-10-09") == []  # two working days left (10-10, the make-up Saturday, and 10-12)
    [entry] = art32_entries("2026-10-10")
    assert (entry["due"], entry["remaining"], entry["card"]) == ("2026-10-12", 1, "yellow_card")
