"""Done means (issue 18): after a simulated day, a byte search of the server's database file and its WAL, of
the devices' caches and of the logs finds no clear ID number, phone or name that the day used.

Two worlds of the benches, small: the hall day (bench/hall_day.py: bookings over REST with ID numbers, ID
cards swiped at dispensers, counters, evaluators) and the case flow (bench/case_flow.py, here with citizens as
applicants: name, ID number and phone at the counter). Names are searched as UTF-8 and as JSON \\u escapes
(JSON columns store them escaped). A workstation still shows its hall's applicants by name (the clerk needs
them offline), but its cache file and its case index snapshot hold them sealed under the workstation's own key
(a file beside the cache); its ID numbers and phones are gone once the server answered."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bench import case_flow, hall_day
from bench.case_actors import moment
from shared.approval import commands as cmd
from client.services.case_index import CaseIndex
from server.api.citizen_guard import CSRF_COOKIE
from server.queue.models import QueueAppointment
from shared.approval.events import Actor
from shared.protocol import approval as wire
from shared.validation import resident_id_check_character

SURNAMES = "欧阳司马上官诸葛东方"
GIVEN = "婉清若曦慕白子墨星河"


def _forms(value: str) -> list[bytes]:
    return list({value.encode(), json.dumps(value).strip('"').encode()})


def _leaks(files: list[Path], values: set[str]) -> list[tuple[str, str]]:
    found = []
    for f in files:
        data = f.read_bytes()
        found += [(f.name, v) for v in sorted(values) if any(form in data for form in _forms(v))]
    return found


def _wait_for(condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    import time
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _db_files(work: Path, pattern: str) -> list[Path]:
    return sorted(p for p in work.glob(pattern) if p.is_file() and not p.name.endswith(".bak"))


class RecordingDay(hall_day.HallDay):
    """The hall day, remembering every ID number it used. Its bookings also give a phone (for the booking and
    near-call SMS), and every third is made on the citizens' phone pages, which ask for a name as well; the
    phones and names are remembered too. Their own random source leaves the day's draws as they were."""

    CITIZEN_PAGES = 3  # every third booking goes through /api/v1/citizen/bookings

    def __init__(self, *a, **kw) -> None:  # noqa: ANN002, ANN003
        self.used: set[str] = set()
        self.phones: set[str] = set()
        self.names: set[str] = set()
        self.extra = random.Random(7)
        self.booked = 0
        super().__init__(*a, **kw)

    def booking_name(self, n: int) -> str:
        name = super().booking_name(n)
        self.names.add(name)
        return name

    def person(self) -> str:
        number = super().person()
        self.used.add(number)
        return number

    def book_appointments(self) -> None:
        http = self.world.http
        plain = http.post

        def with_phone(path: str, **kw):  # noqa: ANN003, ANN202
            if path != "/api/v1/queue/appointments":
                return plain(path, **kw)
            n = len(self.phones)
            phone = f"13{self.extra.randint(5, 9)}{self.extra.randint(10_000_000, 99_999_999)}"
            self.phones.add(phone)
            body = {**kw.pop("json"), "phone": phone}
            if n % self.CITIZEN_PAGES:
                return self._kept(plain(path, json=body, **kw))
            name = SURNAMES[2 * (n % 5):2 * (n % 5) + 2] + GIVEN[2 * (n % 5):2 * (n % 5) + 2]
            self.names.add(name)
            where = kw["client"]
            question = http.get("/api/v1/citizen/captcha", client=where).json()
            a, b = map(int, re.findall(r"\d+", question["question"]))
            csrf = f"csrf-{n:04d}-" + "x" * 24  # the page's double-submit cookie and its header
            return self._kept(plain("/api/v1/citizen/bookings", client=where,
                                    headers={"Cookie": f"{CSRF_COOKIE}={csrf}", "X-CSRF-Token": csrf},
                                    json={**body, "name": name, "captcha_token": question["token"],
                                          "captcha_answer": str(a + b)}))

        http.post = with_phone
        try:
            super().book_appointments()
        finally:
            del http.post  # the instance attribute goes; the class's method is back

    def _kept(self, response):  # noqa: ANN001, ANN202
        self.booked += response.status_code == 201
        return response


@pytest.mark.slow
def test_a_hall_day_leaves_no_clear_id_number_phone_or_name_at_rest(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    args = argparse.Namespace(seed=3, tickets=40, windows=10, kiosks=2, offline_minutes=30, day=hall_day.DAY)
    day = RecordingDay(args, tmp_path)
    try:
        day.run()
        assert day.used and day.phones and day.names, "the day used no ID number, phone or name"
        server = _db_files(tmp_path, "server.sqlite3*")
        assert any(p.name.endswith("-wal") for p in server), "the server's WAL is part of the search"
        caches = [p for p in _db_files(tmp_path, "*.sqlite3*") if not p.name.startswith(("server", "cache-"))]
        kinds = {p.name.split(".")[0].rstrip("0123456789") for p in caches}
        assert {"k", "w", "e"} <= kinds, f"dispensers', workstations' and evaluators' caches: {sorted(kinds)}"
        personal = day.used | day.phones | day.names
        with day.world.db.read_session() as s:  # the phones did reach the server (sealed), not dropped
            kept = s.scalars(select(QueueAppointment.phone_sealed)).all()
        assert day.booked >= 2 and sum(1 for v in kept if v) == day.booked
        assert _leaks(server + caches, personal) == []
        logged = caplog.text
        assert not [v for v in personal if any(f.decode() in logged for f in _forms(v))]
    finally:
        for device in [k.device for k in day.kiosks] + [x.device for x in day.windows] + \
                      [x.evaluator for x in day.windows]:
            device.client.engine.dispose()
        day.world.close()


class PersonFlow(case_flow.Flow):
    """The case flow with citizens as applicants: each a name, an ID number and a phone, remembered."""

    def __init__(self, *a, **kw) -> None:  # noqa: ANN002, ANN003
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        super().__init__(*a, **kw)

    def receive(self, desk, day: dt.date) -> None:  # noqa: ANN001
        item, situation, required = self.rng.choice(self.situations)
        prefix = self.rng.choice(desk.prefixes)
        n = len(self.numbers) + 1
        first17 = f"441900{self.rng.randint(1950, 2000)}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}" \
                  f"{n:03d}"
        id_number = first17 + resident_id_check_character(first17)
        phone = f"139{self.rng.randint(10_000_000, 99_999_999)}"
        name = SURNAMES[2 * (n % 5):2 * (n % 5) + 2] + GIVEN[2 * (n % 5):2 * (n % 5) + 2]
        self.names.add(name)
        self.numbers.update({id_number, phone})
        case_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        c = cmd.Receive(command_id=str(uuid.uuid4()), case_id=case_id, base=cmd.Base.new_case(),
                        actor=Actor(desk.user, desk.role), device=desk.client.device_id, at=moment(day, self.rng),
                        item_code=item, situation_code=situation, materials=required, town="莞城街道",
                        department=item, channel="counter", applicant_name=name)
        with desk.client.engine.begin() as conn:
            issued = desk.client.leases.issue(conn, wire.CASE_SERIES, prefix, wire.series_day(self.start.year))
            number = wire.case_display(prefix, 2026, issued.number) if issued.number is not None \
                else f"{prefix}2026-{issued.display.split('-', 1)[1]}"
            extras = {"case_number": number, "series_prefix": prefix, "number": issued.number,
                      "block_id": issued.block_id, "applicant_kind": "person", "applicant_id": id_number,
                      "applicant_phone": phone}
            self.submit(desk, c, extras, conn=conn)
        self.received += 1


@pytest.mark.slow
def test_a_case_flow_leaves_no_clear_personal_data_at_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name, value in case_flow.BENCH_KEYS.items():
        monkeypatch.setenv(name, value)
    flow = PersonFlow(5, 12, tmp_path)
    try:
        flow.run()
        flow.settle()
        assert flow.names and flow.numbers
        server = _db_files(tmp_path, "server.sqlite3*")
        assert any(p.name.endswith("-wal") for p in server)
        caches = [p for p in _db_files(tmp_path, "*.sqlite3*") if not p.name.startswith("server")]
        assert _leaks(server, flow.names | flow.numbers) == []
        assert all(p.with_suffix(".key").exists() for p in caches if p.suffix == ".sqlite3")
        # The workstations' caches: no ID number, no phone, and no name in clear either.
        assert _leaks(caches, flow.names | flow.numbers) == []
        assert not [v for v in flow.names | flow.numbers if v in caplog.text]
        clerk = next(d for d in flow.desks if d.user == "clerk")
        shown = {r.get("applicant_name") for r in clerk.client.confirmed("approval_case").values()}
        assert shown & flow.names, f"a workstation still shows its applicants' names: {sorted(shown)[:5]}"
        # Its case index finds them by name, and the snapshot it keeps between logins holds them sealed.
        snapshot = tmp_path / "clerk-case_index.bin"
        index = CaseIndex(clerk.client.engine, "clerk", snapshot=snapshot)
        index.snapshot_delay = 0
        name = sorted(shown & flow.names)[0]
        assert any(name.lower() in e.text for e in index.entries())
        index._save_snapshot()
        _wait_for(snapshot.exists)
        assert _leaks([snapshot], flow.names | flow.numbers) == []
        again = CaseIndex(clerk.client.engine, "clerk", snapshot=snapshot)
        assert any(name.lower() in e.text for e in again.entries()) and again.read_rows == 0
    finally:
        flow.http.__exit__(None, None, None)
        for desk in flow.desks:
            desk.client.engine.dispose()
        flow.db.dispose()


def test_an_offline_acceptance_leaves_no_clear_personal_data_in_the_workstation_cache(tmp_path: Path) -> None:
    """With the network down the acceptance's command waits in the outbox, unanswered: its applicant's ID
    number, phone and name are sealed there under the workstation's key (read back only to push), so neither
    the cache file nor its WAL holds them in clear, while the clerk's screens still show the name."""
    from client.services.acceptance import Application
    from client.services.applicant import PERSON, Applicant
    from shared.sync import outbox
    from tests.client.support import Clock, grant_case_numbers, services, staff

    first17 = "44190019870615123"
    id_number, phone, name = first17 + resident_id_check_character(first17), "13912345678", "诸葛若曦"
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    try:
        grant_case_numbers(s.engine, clock.now.date(), 5, 9)
        choice = next(c for c in s.catalogue.choices if c.situations)
        situation = choice.situations[0]
        app = Application(choice, situation.code, Applicant(PERSON, name, id_number, phone=phone),
                          tuple(m for m, _ in situation.materials))
        outcome = s.acceptance.accept(app)
        assert s.sync.status().pending >= 2  # receive and accept wait for the server
        caches = _db_files(tmp_path, "cache.sqlite3*")
        assert any(p.name.endswith("-wal") for p in caches), "the WAL is part of the search"
        assert _leaks(caches, {id_number, phone, name}) == []
        # What will be pushed still carries them: opened from the seal only when sent.
        with s.engine.connect() as conn:
            receive = next(b for b in outbox.next_batch(conn, 10) if b["name"] == "approval.receive")
        assert (receive["args"]["applicant_id"], receive["args"]["applicant_phone"],
                receive["args"]["applicant_name"]) == (id_number, phone, name)
        assert s.cases.sql.by_pks("approval_case", [outcome.case_id])[outcome.case_id]["applicant_name"] == name
    finally:
        s.engine.dispose()
    assert _leaks(_db_files(tmp_path, "cache.sqlite3*"), {id_number, phone, name}) == []
