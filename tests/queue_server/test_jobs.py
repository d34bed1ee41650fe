"""The queue's periodic jobs on the app's scheduler, driven with the test clock: near-call reminders written
and delivered, appointment no-shows, and closing time (no calls after the service end, the sweep ends what is
left and the statistics count it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.queue import jobs
from server.queue.models import QueueNotification
from tests.fixtures.server import login
from tests.queue_server.support import DAY, LOCAL, START

SERVICE_END = dt.datetime.combine(DAY, dt.time(19, 0), LOCAL)  # the demo closes at 17:30; 90 minutes' grace
TO_END = (SERVICE_END - START) / dt.timedelta(minutes=1)


def test_the_queue_registers_its_jobs_on_the_scheduler(qhall) -> None:  # noqa: ANN001
    scheduler = qhall.client.app.state.scheduler
    assert {jobs.NEAR_CALLS, jobs.NOTICES, jobs.NO_SHOWS, jobs.CLOSE_DAY} <= set(scheduler.jobs)


def test_near_call_reminders_are_written_and_delivered_by_the_scheduler(qhall) -> None:  # noqa: ANN001
    kiosk = qhall.device("dispenser")
    for n in range(6):
        qhall.issue(kiosk, "C", minutes=n)
    app = qhall.client.app
    done = app.state.scheduler.run_due(START + dt.timedelta(minutes=10))
    assert done[jobs.NEAR_CALLS] == 4  # threshold 3: 0…3 people ahead
    # the outbox was written in the near-call job's own transaction, the sender runs next (and next minute)
    sent_now = done[jobs.NOTICES]
    later = app.state.scheduler.run_due(START + dt.timedelta(minutes=11))
    assert sent_now + later[jobs.NOTICES] == 4 and later[jobs.NEAR_CALLS] == 0
    assert len(app.state.notice_sender.sent) == 4
    with qhall.db.session() as s:
        assert {r.state for r in s.scalars(select(QueueNotification))} == {"sent"}
    # not due again within the interval
    assert jobs.NEAR_CALLS not in app.state.scheduler.run_due(START + dt.timedelta(minutes=11, seconds=30))


def test_booked_appointments_past_the_late_limit_become_no_shows(qhall) -> None:  # noqa: ANN001
    from tests.queue_server.test_api_appointments import person, slot
    qhall.clock.now = START - dt.timedelta(days=1)
    r = qhall.client.post("/api/v1/queue/appointments", json={"business_id": qhall.business["A"],
                                                              "slot_start": slot(10), "id_number": person(7)})
    assert r.status_code == 201, r.text
    app = qhall.client.app
    assert app.state.scheduler.run_due(START + dt.timedelta(minutes=40))[jobs.NO_SHOWS] == 0  # 10:10: in time
    assert app.state.scheduler.run_due(START + dt.timedelta(minutes=50))[jobs.NO_SHOWS] == 1  # 10:20 > 10:15
    kiosk = qhall.device("dispenser")
    row = qhall.rows(kiosk, "queue_appointment")[r.json()["appointment"]["id"]]
    assert row["state"] == "no_show"  # published to the hall


def test_no_window_calls_after_the_service_end(qhall) -> None:  # noqa: ANN001
    kiosk, w2 = qhall.device("dispenser"), qhall.device("workstation", 2)
    early, _ = qhall.issue(kiosk, "A", minutes=420)
    late, _ = qhall.issue(kiosk, "A", minutes=421)
    assert qhall.call(w2, early, TO_END - 1)["status"] == "accepted"
    qhall.act(w2, "queue.start", early, TO_END - 0.5)
    qhall.act(w2, "queue.finish", early, TO_END)
    r = qhall.call(w2, late, TO_END + 1)
    assert (r["status"], r["code"], r["message"]) == ("rejected", "service_closed", "该业务今日已停止叫号")
    assert qhall.rows(kiosk, "queue_ticket")[late]["state"] == "waiting"


def test_the_close_of_day_sweep_ends_every_open_ticket_and_is_counted(qhall) -> None:  # noqa: ANN001
    kiosk, w2, w4 = qhall.device("dispenser"), qhall.device("workstation", 2), qhall.device("workstation", 4)
    waiting, _ = qhall.issue(kiosk, "A", minutes=400)
    called, _ = qhall.issue(kiosk, "A", minutes=401)
    serving, _ = qhall.issue(kiosk, "D", minutes=402)
    qhall.call(w2, called, TO_END - 2)
    qhall.call(w4, serving, TO_END - 2)
    qhall.act(w4, "queue.start", serving, TO_END - 1)
    scheduler = qhall.client.app.state.scheduler
    assert scheduler.run_due(SERVICE_END - dt.timedelta(minutes=1))[jobs.CLOSE_DAY] == 0
    assert scheduler.run_due(SERVICE_END + dt.timedelta(minutes=10))[jobs.CLOSE_DAY] == 2
    rows = qhall.rows(kiosk, "queue_ticket")
    assert rows[waiting]["state"] == rows[called]["state"] == "cancelled"
    assert "closed_unserved" in rows[waiting]["flags"] and "closed_unserved" in rows[called]["flags"]
    assert rows[serving]["state"] == "serving"  # the citizen at the window is served to the end
    windows = qhall.rows(kiosk, "queue_window")
    assert windows[str(w2.window_id)]["current_ticket_id"] is None
    assert qhall.act(w4, "queue.finish", serving, TO_END + 15)["status"] == "accepted"
    body = qhall.client.get(f"/api/v1/queue/halls/{qhall.hall_id}/statistics", params={"day": DAY.isoformat()},
                            headers=login(qhall.client, "supervisor")).json()
    assert body["totals"]["by_outcome"] == {"closed_unserved": 2, "finished": 1}
    assert body["totals"]["closed_unserved"] == 2


def test_a_service_the_window_never_finished_is_closed_two_hours_later(qhall) -> None:  # noqa: ANN001
    kiosk, w4 = qhall.device("dispenser"), qhall.device("workstation", 4)
    serving, _ = qhall.issue(kiosk, "D", minutes=402)
    qhall.call(w4, serving, 410)
    qhall.act(w4, "queue.start", serving, 411)
    scheduler = qhall.client.app.state.scheduler
    assert scheduler.run_due(SERVICE_END + dt.timedelta(minutes=119))[jobs.CLOSE_DAY] == 0
    assert scheduler.run_due(SERVICE_END + dt.timedelta(minutes=130))[jobs.CLOSE_DAY] == 1
    row = qhall.rows(kiosk, "queue_ticket")[serving]
    assert row["state"] == "finished" and "closed_by_sweep" in row["flags"]
