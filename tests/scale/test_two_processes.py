"""Two real server processes (`python -m server serve`) on one PostgreSQL, as two hosts behind a load balancer
would run: numbers issued and tickets called through both never collide, a device waiting on one process is
woken by a write through the other, and each scheduled job runs once although both schedulers fire."""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from server.queue.models import QueueCall, QueueTicket
from server.store.database import Database
from server.store.models import ServerJob
from shared.db.models import Quota
from tests.clock import faked_clock_env
from tests.live import free_port
from tests.pg import pg_database
from tests.queue_server.conftest import TEST_KEYS
from tests.queue_server.support import START, QueueHall

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.pg


class Servers:
    """The two processes' base URLs; `post`/`get` alternate between them, as a round-robin balancer does."""

    def __init__(self, urls: list[str]) -> None:
        self.urls, self._turn = urls, itertools.count()

    def _url(self, path: str) -> str:
        return self.urls[next(self._turn) % len(self.urls)] + path

    def post(self, path: str, **kw) -> requests.Response:
        return requests.post(self._url(path), timeout=30, **kw)

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self._url(path), timeout=30, **kw)


def start_server(url: str, port: int, data_dir: Path, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, **TEST_KEYS, "GOVHALL_DATABASE_URL": url, "GOVHALL_DATA_DIR": str(data_dir),
           "GOVHALL_PASSWORD_ITERATIONS": "1000", "GOVHALL_JOB_TICK_S": "0.2", "PYTHONPATH": str(ROOT),
           # the SMS sender's default interval is 10 s, which a loaded machine can outlast before the job count is
           # read; an hour keeps "each job ran exactly once" the whole claim
           "GOVHALL_SMS_SEND_EVERY_S": "3600"}
    return subprocess.Popen([sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)],
                            cwd=ROOT, env=faked_clock_env(START, base=env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def wait_healthy(proc: subprocess.Popen, port: int) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module")
def cluster(pg_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Servers]]:
    with pg_database(template=pg_template) as engine:
        url = engine.url.render_as_string(hide_password=False)
        ports = [free_port(), free_port()]
        procs = [start_server(url, port, tmp_path_factory.mktemp(f"server{port}")) for port in ports]
        try:
            for proc, port in zip(procs, ports):
                wait_healthy(proc, port)
            db = Database(url, engine=engine)
            yield db, Servers([f"http://127.0.0.1:{port}" for port in ports])
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def run_together(work, items) -> None:  # noqa: ANN001
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def run(item) -> None:  # noqa: ANN001
        barrier.wait()
        try:
            work(item)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_devices_issuing_through_both_processes_never_share_a_number(cluster) -> None:  # noqa: ANN001
    db, servers = cluster
    hall = QueueHall(db, servers, None)
    kiosks = [hall.device("dispenser") for _ in range(4)]

    def issue_many(kiosk) -> None:  # noqa: ANN001
        hall.lease(kiosk, "B", size=15)  # leases through one process or the other
        for _ in range(15):
            _, result = hall.issue(kiosk, "B")
            assert result["status"] == "accepted", result

    run_together(issue_many, kiosks)
    with db.read_session() as s:
        displays = s.scalars(select(QueueTicket.display).where(QueueTicket.day == START.date(),
                                                               QueueTicket.display.like("B%"))).all()
    assert len(displays) == 60 and len(set(displays)) == 60


def test_windows_calling_through_both_processes_never_call_a_ticket_twice(cluster) -> None:  # noqa: ANN001
    db, servers = cluster
    hall = QueueHall(db, servers, None)
    kiosk = hall.device("dispenser")
    tickets = [hall.issue(kiosk, "A")[0] for _ in range(8)]
    windows = [hall.device("workstation", n) for n in (1, 2, 3, 5)]  # all four serve business A

    def serve_all(window) -> None:  # noqa: ANN001
        for ticket in tickets:  # every window contests every ticket; a winner serves it and is free again
            if hall.call(window, ticket, 1)["status"] == "accepted":
                assert hall.act(window, "queue.start", ticket, 2)["status"] == "accepted"
                assert hall.act(window, "queue.finish", ticket, 3)["status"] == "accepted"

    run_together(serve_all, windows)
    with db.read_session() as s:
        accepted = s.execute(select(QueueCall.ticket_id, func.count()).where(QueueCall.accepted.is_(True),
                                                                            QueueCall.ticket_id.in_(tickets))
                             .group_by(QueueCall.ticket_id)).all()
    assert sorted(n for _, n in accepted) == [1] * len(tickets)  # every ticket called, none twice


def test_a_device_waiting_on_one_process_is_woken_by_a_write_through_the_other(cluster) -> None:  # noqa: ANN001
    db, servers = cluster
    first, second = servers.urls
    hall = QueueHall(db, Servers([second]), None)  # writes go through the second process
    kiosk = hall.device("dispenser")
    display = hall.device("display")
    hall.lease(kiosk, "A", size=20)
    waits: list[float] = []
    after_write: list[float] = []
    for _ in range(15):
        since = requests.get(f"{first}/api/v1/sync/events", params={"since": 0, "timeout": 0},
                             headers=display.headers, timeout=10).json()["seq"]
        answer: dict = {}

        def wait() -> None:
            r = requests.get(f"{first}/api/v1/sync/events", params={"since": since, "timeout": 10},
                             headers=display.headers, timeout=20)
            answer.update(r.json(), at=time.monotonic())
        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(0.1)  # it is waiting on the first process
        written = time.monotonic()
        issued = hall.issue(kiosk, "A")[1]
        answered = time.monotonic()
        assert issued["status"] == "accepted", issued
        waiter.join(15)
        assert answer["changed"] is True and answer["seq"] > since
        waits.append(answer["at"] - written)
        after_write.append(answer["at"] - answered)
    assert max(waits) < 3.0  # woken by the other process's commit, never by the 10 s timeout

    def ms(values: list[float]) -> str:
        return (f"p50={statistics.median(values) * 1000:.1f} ms "
                f"p95={statistics.quantiles(values, n=20)[-1] * 1000:.1f} ms")
    print(f"\ncross-process wake-up, waiter on A answered: from the write sent through B {ms(waits)}; "
          f"from B's answer (commit done; negative = before it) {ms(after_write)}")


def test_each_scheduled_job_runs_once_though_both_schedulers_fire(cluster) -> None:  # noqa: ANN001
    """Both processes started together with a 0.2 s tick: each fired every job many times by now; every job's
    interval is a minute or more, so each must have run exactly once."""
    db, servers = cluster
    time.sleep(1.0)  # ≥ 5 ticks of each scheduler after both were healthy
    with db.read_session() as s:
        jobs = {j.name: (j.runs, j.ran_by) for j in s.scalars(select(ServerJob))}
    assert {"queue.near_calls", "queue.notices", "queue.appointment_no_shows", "queue.close_day"} <= set(jobs)
    assert {name: runs for name, (runs, _) in jobs.items()} == {name: 1 for name in jobs}, jobs


def _admin(url: str) -> dict[str, str]:
    r = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin", "password": "GovHall@2026"}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_device_revoked_through_one_process_is_refused_at_once_by_the_other(cluster) -> None:  # noqa: ANN001
    """Each process keeps verified device tokens (server/store/versions.py); the revocation still counts at the
    very next request through the process that did not make it."""
    db, servers = cluster
    first, second = servers.urls
    hall = QueueHall(db, Servers([second]), None)
    kiosk = hall.device("dispenser")
    for _ in range(3):  # the second process now keeps the token
        assert hall.issue(kiosk, "A")[1]["status"] == "accepted"
    r = requests.post(f"{first}/api/v1/admin/devices/{kiosk.id}/revoke", headers=_admin(first), timeout=30)
    assert r.status_code == 204, r.text
    refused = requests.post(f"{second}/api/v1/sync/push", headers=kiosk.headers, timeout=30, json={
        "device": kiosk.id, "protocol_version": 1,
        "commands": [hall.command(kiosk, "queue.issue", hall.issue_args(kiosk, "A"))]})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "device_revoked")


def test_a_configuration_change_through_one_process_counts_at_the_next_push_through_the_other(cluster) -> None:  # noqa: ANN001
    db, servers = cluster
    first, second = servers.urls
    hall = QueueHall(db, Servers([second]), None)
    kiosk = hall.device("dispenser")
    before = hall.issue(kiosk, "C")[1]  # the second process now keeps the hall's configuration
    assert before["status"] == "accepted" and "business_paused" not in before["result"]["flags"], before
    url = f"{first}/api/v1/queue/admin/businesses/{hall.business['C']}/quota"
    with db.read_session() as s:
        quota = s.scalars(select(Quota).where(Quota.business_id == hall.business["C"])).one()
        kept = {"daily_limit": quota.daily_limit, "am_limit": quota.am_limit, "pm_limit": quota.pm_limit,
                "opens_at": quota.opens_at.isoformat(), "closes_at": quota.closes_at.isoformat()}
    admin = _admin(first)
    assert requests.put(url, headers=admin, json={**kept, "paused": True}, timeout=30).status_code == 200
    try:
        paused = hall.issue(kiosk, "C")[1]
        assert paused["status"] == "accepted" and "business_paused" in paused["result"]["flags"], paused
    finally:
        assert requests.put(url, headers=admin, json={**kept, "paused": False}, timeout=30).status_code == 200
    again = hall.issue(kiosk, "C")[1]
    assert "business_paused" not in again["result"]["flags"], again
