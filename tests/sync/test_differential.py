"""Differential test: the server and an offline device decide the same way from what the server published.

Hypothesis draws a hall configuration — queue rules (lunch rule, AM/PM split, calling rules), quotas with
hours and lunch times, calendar overrides and whether 2027 is published, a new workflow definition version —
and sets it through the admin API, as an admin would. A dispenser and a counter workstation sync once. Then a
random sequence of actions is decided twice, once by the server from its database and once by the device from
its synced cache, and the decisions must be equal:

- issue: issue or refuse, and the refusal's code (quota, hours, lunch, pause) — the kiosk's TicketDesk against
  the rules the server's issue handler runs (shared `admit` over `load_hall_config` and the server's counts);
  an admitted ticket is issued and pushed, so both sides count it from then on;
- call: the ticket a window would call next and why — the counter's QueueDesk against `choose_next` over the
  server's tickets and rules;
- deadline: a clock's due day, card, remaining days and unknown years for a start day and a budget — the
  client's calendar (PublishedCalendar) against the server's (shared.calendar.load_calendar);
- definitions: every published version as the client's PublishedDefinitions holds it against the server's
  catalogue;
- accept: a case accepted offline at the counter (its definition version, status, current steps and their
  roles, clocks and card, and the actions the clerk may take next) against the server's decision on the same
  command once pushed (its case row and the actions its API offers).

A node that drops back to a hard-coded value (LUNCH_CLOSED = False, default calling rules, an empty calendar, a
locally made default definition) disagrees with the server on some drawn configuration and fails here.

Bounded in the normal suite; GOVHALL_DIFFERENTIAL_LONG=1 (or GOVHALL_SYNC_LONG=1 / --sync-long) runs many
more examples (see README, "Tests")."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from client.services.acceptance import Application
from client.services.applicant import PERSON, Applicant
from client.services.auth import StaffSession
from client.services.context import build_services
from client.services.reference import load_reference
from client.services.rowsql import RowSql
from client.services.worklist import Worklist
from client.services.workstation import Workstation
from drivers.sim.idcard import sample_id_number
from kiosk.services.issuing import TicketDesk
from kiosk.services.reference import load_directory
from server.approval import cache as approval_cache
from server.core.settings import Settings
from server.main import create_app
from server.queue import store as queue_store
from server.queue.config import load_hall_config
from server.queue.models import QueueTicket
from server.store.database import Database
from shared.approval.clocks import run_clock
from shared.approval.definition import ADMINISTRATIVE_LICENCE
from shared.calendar import load_calendar
from shared.db.cache import open_cache
from shared.db.models import Business, ServiceItem, Situation, WindowBusiness
from shared.queue.calling import choose_next
from shared.queue.clock import CHINA_TZ
from shared.queue.errors import IssueRefused
from shared.queue.fairness import FairnessState
from shared.queue.issuance import IssueRequest, admit
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from shared.sync.client import SyncClient
from shared.demo.dongguan_hall import DEMO_PASSWORD
from tests.fixtures.server import FakeClock, login
from tests.sync.harness.world import template_db
from tests.sync.support import demo_hall, new_device
from tests.sync.test_client_loop import AppTransport

LONG = any(os.environ.get(name) == "1" for name in ("GOVHALL_DIFFERENTIAL_LONG", "GOVHALL_SYNC_LONG"))
EXAMPLES = 300 if LONG else 6

ID = "11010519491231002X"
PII_KEYS = {"GOVHALL_PII_KEYS": f"t1:{'3a' * 16}", "GOVHALL_PII_INDEX_KEY": "5c" * 32}
DAY = dt.date(2026, 12, 21)  # a Monday; deadlines drawn around it run into 2027
OPEN = dt.datetime.combine(DAY, dt.time(8, 0), CHINA_TZ)
PREFIXES = ("A", "B")        # the businesses whose quotas are drawn

# -- the drawn configuration ---------------------------------------------------------------------------------
maybe_count = st.one_of(st.none(), st.integers(0, 3))


def _within_day(q: dict) -> dict:
    """The admin API refuses a half day's limit above the day's (quota_am_exceeds_day): draw only what it takes."""
    day = q["daily_limit"]
    if day is not None:
        q = {**q, **{k: min(q[k], day) for k in ("am_limit", "pm_limit") if q[k] is not None}}
    return q


quota = st.fixed_dictionaries({
    "daily_limit": maybe_count, "am_limit": maybe_count, "pm_limit": maybe_count,
    "opens_at": st.sampled_from(["08:30", "09:00"]), "closes_at": st.sampled_from(["17:00", "17:30"]),
    "lunch": st.sampled_from([None, ("12:00", "13:30"), ("11:45", "14:00")]),
    "paused": st.sampled_from([False, False, False, True]),
    "lunch_closed": st.sampled_from([None, True, False]),
}).map(_within_day)
rules = st.fixed_dictionaries({
    "lunch_closed": st.booleans(),
    "pm_starts_at": st.sampled_from(["11:30", "12:00", "13:00"]),
    "calling": st.fixed_dictionaries({
        "max_wait_minutes": st.integers(5, 90),
        "fairness": st.fixed_dictionaries({"priority": st.integers(1, 3), "normal": st.integers(1, 3)}),
    }),
})
overrides = st.dictionaries(st.dates(dt.date(2026, 12, 14), dt.date(2027, 2, 28)), st.booleans(), max_size=5)
definition_change = st.fixed_dictionaries({"statutory": st.integers(3, 25), "promised_cut": st.integers(0, 5),
                                           "step_limit": st.integers(1, 10)})
config = st.fixed_dictionaries({
    "rules": rules, "quotas": st.fixed_dictionaries({p: quota for p in PREFIXES}),
    "overrides": overrides, "publish_2027": st.booleans(), "definition": st.none() | definition_change,
})

issue = st.tuples(st.just("issue"), st.sampled_from(PREFIXES),
                 st.integers(0, 600) | st.integers(220, 330),  # often around lunch
                 st.booleans())
call = st.tuples(st.just("call"), st.integers(0, 600))
accept = st.tuples(st.just("accept"), st.integers(0, 3), st.integers(0, 400))  # 0: the re-published item
deadline = st.tuples(st.just("deadline"), st.dates(dt.date(2026, 11, 20), dt.date(2027, 1, 31)),
                     st.integers(1, 25), st.integers(0, 40))
actions = st.lists(st.one_of(issue, issue, call, deadline, accept), min_size=1, max_size=8)


class Hall:
    """The real server app on a fresh copy of the demo database, a dispenser and a counter workstation."""

    def __init__(self, folder: Path, http: TestClient, db: Database, clock: FakeClock) -> None:
        self.folder, self.http, self.db, self.clock = folder, http, db, clock
        self.hall_id, _ = demo_hall(db)
        self.admin = login(http)
        with db.session() as s:
            self.business = {b.prefix: b.id for b in s.scalars(select(Business).where(
                Business.hall_id == self.hall_id))}
            self.window_id = s.scalar(select(WindowBusiness.window_id).where(
                WindowBusiness.business_id == self.business["A"]).order_by(WindowBusiness.window_id))
        self.transport = AppTransport(http)
        self.people = 0

    def device(self, kind: str, name: str, window_id: int | None = None) -> SyncClient:
        device_id, token = new_device(self.db, kind, self.hall_id, window_id)
        return SyncClient(open_cache(self.folder / f"{name}.sqlite3"), device_id=device_id, token=token,
                          transport=self.transport)

    def configure(self, cfg: dict) -> None:
        """Everything through the admin API, as an admin would set it."""
        put = self.http.put
        r = put(f"/api/v1/queue/admin/halls/{self.hall_id}/rules", headers=self.admin, json=cfg["rules"])
        assert r.status_code == 200, r.text
        for prefix, q in cfg["quotas"].items():
            lunch = q["lunch"]
            body = {"daily_limit": q["daily_limit"], "am_limit": q["am_limit"], "pm_limit": q["pm_limit"],
                    "opens_at": q["opens_at"], "closes_at": q["closes_at"],
                    "lunch_start": lunch[0] if lunch else None, "lunch_end": lunch[1] if lunch else None,
                    "paused": q["paused"], "lunch_closed": q["lunch_closed"] if lunch else None}
            r = put(f"/api/v1/queue/admin/businesses/{self.business[prefix]}/quota", headers=self.admin, json=body)
            assert r.status_code == 200, r.text
        for day, is_workday in cfg["overrides"].items():
            r = put(f"/api/v1/admin/calendar/days/{day.isoformat()}", headers=self.admin,
                    json={"is_workday": is_workday, "notice": "测试"})
            assert r.status_code == 200, r.text
        if cfg["publish_2027"]:
            r = put("/api/v1/admin/calendar/years/2027", headers=self.admin, json={"notice": "测试"})
            assert r.status_code == 204, r.text
        if cfg["definition"] is not None:
            self.publish_definition(cfg["definition"])

    def first_licence(self) -> tuple[str, str]:
        """The (item, situation) whose definition a drawn configuration re-publishes."""
        with self.db.session() as s:
            return tuple(s.execute(select(ServiceItem.code, Situation.code).join(Situation.item).where(
                ServiceItem.category == ADMINISTRATIVE_LICENCE).order_by(ServiceItem.code, Situation.code)).first())

    def sign_in(self, device_id: str) -> StaffSession:
        """The clerk signed in at the counter (the staff token is bound to the device)."""
        body = self.http.post("/api/v1/auth/login", json={"username": "clerk", "password": DEMO_PASSWORD,
                                                          "device_id": device_id}).json()
        user = body["user"]
        return StaffSession(user["username"], user["display_name"], user["staff_no"], tuple(user["roles"]),
                            user.get("hall_id"), user.get("department_id"), body["token"], offline=False)

    def server_case(self, case_id: str, token: str) -> tuple[dict, list[str]]:
        r = self.http.get(f"/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return r.json()["case"], r.json()["actions"]

    def publish_definition(self, change: dict) -> None:
        item, situation = self.first_licence()
        current = self.http.get(f"/api/v1/approval/definitions/{item}/{situation}", headers=self.admin).json()
        body = dict(current["body"])
        body["statutory_limit_days"] = change["statutory"]
        body["promised_limit_days"] = max(1, change["statutory"] - change["promised_cut"])
        body["steps"] = [{**step, "limit_days": change["step_limit"]} if i == 1 else step
                         for i, step in enumerate(body["steps"])]
        r = self.http.post(f"/api/v1/approval/definitions/{item}/{situation}", headers=self.admin,
                           json={"body": body})
        assert r.status_code == 201, r.text

    def elderly_id(self) -> str:
        self.people += 1
        return sample_id_number(f"11010119500307{self.people:03d}")

    # -- the server's decisions --------------------------------------------------------------------------
    def server_admits(self, business_id: int, at: dt.datetime) -> str | None:
        """The rules the server's issue handler checks (server.queue.issue._rule_flags: the shared `admit` over
        its configuration and counts; the person rule runs apart there, on the blind index)."""
        with self.db.session() as s:
            config = load_hall_config(s, self.hall_id)
            counts = queue_store.issued_counts(s, config, business_id, at)
            try:
                admit(IssueRequest(business_id, Channel.DISPENSER, at), config.businesses[business_id],
                      config.quotas.get(business_id), counts, ())
            except IssueRefused as refused:
                return refused.code
        return None

    def server_calls(self, at: dt.datetime) -> tuple | None:
        with self.db.session() as s:
            config = load_hall_config(s, self.hall_id)
            tickets = [queue_store.ticket_of(row) for row in s.scalars(select(QueueTicket).where(
                QueueTicket.hall_id == self.hall_id, QueueTicket.day == DAY))]
            decision = choose_next(config.window(self.window_id), tickets, at, FairnessState(), config.rules.calling)
        return _decision(decision)

    def server_clock(self, start: dt.date, budget: int, today: dt.date) -> tuple:
        with self.db.session() as s:
            return _clock(load_calendar(s), start, budget, today)

    def server_definitions(self) -> dict:
        with self.db.session() as s:
            return {d.key: d for d in approval_cache.definitions(s)}


def _decision(decision) -> tuple | None:  # noqa: ANN001
    return None if decision is None else (decision.ticket.id, decision.codes)


def _application(services, key: tuple[str, str] | None, which: int) -> Application:  # noqa: ANN001
    choices = [c for c in services.catalogue.choices if c.situations]
    if key is not None:
        choice = next(c for c in choices if c.item_code == key[0])
        situation = next(x for x in choice.situations if x.code == key[1])
    else:
        choice = choices[which * 7 % len(choices)]
        situation = choice.situations[0]
    return Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                       tuple(name for name, _ in situation.materials))


def _case_fields(row: dict) -> dict:
    """What the acceptance decided: definition version, state, current steps and their roles, the clocks."""
    return {k: row.get(k) for k in ("definition_version", "status", "current_steps", "step_roles", "clocks",
                                    "accepted_on", "case_number")}


def _clock(calendar, start: dt.date, budget: int, today: dt.date) -> tuple:  # noqa: ANN001
    """A case view's clock (what the server's worklists and case pages show) and its list card."""
    clock = run_clock("statutory", start, budget, (), None, today, calendar)
    return clock.due, clock.card.value, clock.remaining, clock.unknown_years


def _listed(worklist: Worklist, calendar, start: dt.date, budget: int, today: dt.date) -> tuple:  # noqa: ANN001
    """The same clock as the client's case lists show it: the due day counted on the client's calendar, then
    remaining days and card from that due day alone (Worklist.remaining, the near-due and overdue tabs)."""
    clock = run_clock("statutory", start, budget, (), None, today, calendar)
    remaining, card = worklist.remaining(clock.due.isoformat(), today)
    return clock.due, card, remaining, clock.unknown_years


def _refusal(call) -> str | None:  # noqa: ANN001
    try:
        call()
    except IssueRefused as refused:
        return refused.code
    return None


def _run(cfg: dict, steps: list[tuple]) -> None:
    saved = {name: os.environ.get(name) for name in PII_KEYS}
    os.environ.update(PII_KEYS)  # the server seals the applicant's ID with these
    try:
        _run_hall(cfg, steps)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_hall(cfg: dict, steps: list[tuple]) -> None:
    with tempfile.TemporaryDirectory(prefix="govhall-diff-") as name:
        folder = Path(name)
        shutil.copy(template_db(), folder / "server.sqlite3")
        db = Database(f"sqlite:///{folder / 'server.sqlite3'}")
        clock = FakeClock(OPEN.astimezone(dt.timezone.utc))
        # The drawn steps jump the hall clock by hours and days with one sign-in: no idle expiry here.
        app = create_app(Settings(migrate_on_start=False, password_iterations=1000, token_idle_minutes=400 * 24 * 60),
                         database=db, clock=clock)
        try:
            with TestClient(app) as http:
                _decide_twice(Hall(folder, http, db, clock), cfg, steps)
        finally:
            db.dispose()


def _decide_twice(hall: Hall, cfg: dict, steps: list[tuple]) -> None:
    hall.configure(cfg)
    kiosk_now = [OPEN]
    kiosk = hall.device("dispenser", "kiosk")
    kiosk.sync_once()
    counter_id, counter_token = new_device(hall.db, "workstation", hall.hall_id, hall.window_id)
    engine = open_cache(hall.folder / "counter.sqlite3")
    SyncClient(engine, device_id=counter_id, token=counter_token, transport=hall.transport).sync_once()
    directory = load_directory(kiosk.engine)
    desk = TicketDesk(kiosk, directory, ticket_key=bytes(16), now=lambda: kiosk_now[0])
    desk.track_today()
    kiosk.sync_once()  # today's number blocks
    # The counter as `python -m client` builds it after a clerk signs in at its window (the same wiring).
    number = next(w.number for w in load_reference(engine).windows.values() if w.id == hall.window_id)
    workstation = Workstation(hall.folder, window_number=number, device_id=counter_id, device_token=counter_token)
    clerk = hall.sign_in(counter_id)
    services = build_services(workstation, clerk, engine, transport=hall.transport, clock=lambda: kiosk_now[0])
    services.sync.sync_once()  # the case-number block the clerk's acceptance takes its number from
    counter, calling = services.sync, services.desk
    calendar, definitions = services.cases.calendar, services.cases.definitions
    worklist = Worklist(RowSql(engine), services.case_index, "clerk", ("clerk",), calendar, lambda: kiosk_now[0])

    # Definitions: every published version, the same on both sides (steps, limits, what each step allows),
    # and the same latest version for new cases.
    served = hall.server_definitions()
    assert {k: definitions.get(*k) for k in served} == served
    for item, situation in {k[:2] for k in served}:
        newest = max((d for k, d in served.items() if k[:2] == (item, situation)), key=lambda d: d.version)
        assert definitions.latest(item, situation) == newest

    for step in steps:
        if step[0] == "issue":
            _, prefix, minutes, elderly = step
            at = OPEN + dt.timedelta(minutes=minutes)
            kiosk_now[0] = at
            hall.clock.now = at.astimezone(dt.timezone.utc)
            business_id = hall.business[prefix]
            person = hall.elderly_id() if elderly else None
            channel = Channel.ID_CARD if elderly else Channel.DISPENSER
            theirs = hall.server_admits(business_id, at)
            mine = _refusal(lambda: desk.admit(business_id, channel, person))
            assert mine == theirs, (step, cfg)
            if mine is None:
                prepared = desk.issue(business_id, channel, person)
                desk.settle(prepared, PrintState.PRINTED)
                kiosk.sync_once()
                assert kiosk.rejected() == []
                counter.pull()
        elif step[0] == "call":
            at = OPEN + dt.timedelta(minutes=step[1])
            kiosk_now[0] = at
            mine = _decision(calling.snapshot().preview)
            assert mine == hall.server_calls(at), (step, cfg)
        elif step[0] == "accept":
            _, which, minutes = step
            at = OPEN + dt.timedelta(minutes=minutes)
            kiosk_now[0] = at
            hall.clock.now = at.astimezone(dt.timezone.utc)
            application = _application(services, hall.first_licence() if which == 0 else None, which)
            outcome = services.acceptance.accept(application)  # decided offline, from the synced cache
            mine = _case_fields(services.sync.rows("approval_case")[outcome.case_id])
            my_actions = sorted({a.action.value for a, _ in services.cases.detail(outcome.case_id).actions})
            services.sync.sync_once()  # the server decides the same command with its own definitions
            assert services.sync.rejected() == [], (step, cfg)
            row, actions = hall.server_case(outcome.case_id, clerk.token)
            assert mine == _case_fields(row), (step, cfg)
            assert my_actions == actions, (step, cfg)
        else:
            _, start, budget, later = step
            today = start + dt.timedelta(days=later)
            theirs = hall.server_clock(start, budget, today)
            assert _clock(calendar, start, budget, today) == theirs, (step, cfg)
            assert _listed(worklist, calendar, start, budget, today) == theirs, (step, cfg)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
          # each example runs a server and two devices: shrinking takes minutes, so the bounded run reports
          # the failing example as drawn (the long run shrinks)
          phases=tuple(Phase) if LONG else (Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cfg=config, steps=actions)
def test_server_and_offline_device_decide_alike(cfg: dict, steps: list[tuple]) -> None:
    _run(cfg, steps)


def test_a_configuration_where_every_hard_coded_value_would_disagree() -> None:
    """A fixed example that hits each difference at once: the hall closes over lunch, calls priority tickets
    3:1 but lets nobody wait over 10 minutes, has a holiday override and 2027 published, and publishes a
    definition version with other limits."""
    cfg = {"rules": {"lunch_closed": True, "pm_starts_at": "12:00",
                     "calling": {"max_wait_minutes": 10, "fairness": {"priority": 3, "normal": 1}}},
           "quotas": {p: {"daily_limit": None, "am_limit": None, "pm_limit": None, "opens_at": "08:30",
                          "closes_at": "17:30", "lunch": ("12:00", "13:30"), "paused": False,
                          "lunch_closed": None} for p in PREFIXES},
           "overrides": {dt.date(2026, 12, 24): False, dt.date(2027, 1, 4): False}, "publish_2027": True,
           "definition": {"statutory": 12, "promised_cut": 2, "step_limit": 4}}
    steps = [("issue", "A", 90, False), ("issue", "A", 95, True), ("issue", "A", 100, False),
             ("call", 110), ("issue", "B", 250, False), ("deadline", dt.date(2026, 12, 21), 10, 3),
             ("deadline", dt.date(2026, 12, 14), 4, 5),  # a Saturday after a Friday due day: red, not yellow
             ("accept", 0, 120)]  # the re-published item: version 2, its limits, the calendar's holidays
    _run(cfg, steps)
