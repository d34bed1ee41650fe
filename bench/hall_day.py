"""A whole day in a simulated hall: `python -m bench.hall_day --seed N [--tickets 3000 --windows 30 --kiosks 5
--offline-minutes 30]`.

Drives the real server (in process, through its ASGI entry) and real SyncClients through one day: appointments
booked the day before over the REST API, walk-ins at the dispensers (two of them offline for a while, issuing
from their reserve numbers), windows calling by the shared rules with every keypad action (recall, no-show,
hold and call back, transfer, pause, call specific), ratings, and the server's periodic jobs on the simulated
clock (near-call reminders, appointment no-shows, the close-of-day sweep). Windows 11… are staffed by demand.
At closing time the windows call until the service end (closing + grace), finish the citizen in front of
them, and the sweep ends whatever still waits as closed_unserved. Then it checks the day
(bench/hall_checks.py), prints the figures and ends with a one-line verdict; exit status 1 on a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import hall_checks
from bench.hall_actors import Arrival, Dispenser, WindowActor
from bench.day import add_day_argument
from bench.hall_world import World
from server.queue.config import load_hall_config
from server.queue.notifications import LogSender
from shared.approval.personal import RESIDENT_ID, search_key
from shared.crypto.ticket_key import ticket_key_for
from shared.calendar import CalendarNotPublished, WorkCalendar
from shared.crypto.keys import keys_from_environment
from shared.queue import appointments as booking
from shared.queue.clock import CHINA_TZ
from shared.queue.issuance import is_elderly
from shared.sync.errors import SyncFailed
from shared.sync.transport import TransportError
from shared.validation import resident_id_check_character

DAY = dt.date(2026, 11, 23)  # the default simulated day: a Monday (--day picks another working day)
WEIGHTS = {"A": 0.25, "B": 0.10, "C": 0.15, "D": 0.15, "E": 0.10, "F": 0.25}
OPEN, CLOSE, HARD_STOP = dt.time(8, 45), dt.time(17, 30), dt.time(22, 0)


class HallDay:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.rng, self.day = args, random.Random(args.seed), args.day
        self.world = w = World(work, self.day, args.windows, args.seed, WEIGHTS)
        # Quotas sized to the demand, B tight so that the dispensers have to refuse some walk-ins.
        w.set_quotas({p: None if p == "F" else int(share * args.tickets * (0.8 if p == "B" else 1.2))
                      for p, share in WEIGHTS.items()})
        with w.db.session() as s:
            self.config = load_hall_config(s, w.hall_id)
        w.rules, w.quotas = self.config.rules.calling, self.config.quotas
        self.keys = ticket_key_for(keys_from_environment(), w.hall_id)  # what the hall's dispensers hold
        self.persons = 0
        self.appointments: list[dict] = []
        self.arrived: dict[str, dt.datetime] = {}
        self.notices = w.app.state.notice_sender = LogSender()  # the server's near-call job sends through it
        w.clock.now = self.local(OPEN)  # staff log in on the morning of the day (their tokens expire)
        # Staffed for 80 % of the windows' time over the 8.5 hours: a visit takes the walk to the window (about
        # 1.4 minutes on the simulation's minute ticks) plus the service (lognormal: about 1.13 × its mean,
        # plus half a minute of rounding up to the tick).
        cycle = 0.8 * args.windows * 510 / args.tickets
        mean_service = min(8.0, max(1.0, (cycle - 1.9) / 1.13))
        self.kiosks = [Dispenser(w, w.device(f"k{i}", "dispenser", skew_ms=self.rng.randint(-2000, 2000)),
                                 self.config) for i in range(args.kiosks)]
        for kiosk in self.kiosks:
            for prefix in WEIGHTS:
                kiosk.device.client.leases.track("ticket", prefix, self.day.isoformat())
        self.windows = []
        for number in sorted(w.windows):
            clerk = w.clerk(number)
            device = w.device(f"w{number}", "workstation", number, staff=clerk, skew_ms=self.rng.randint(-2000, 2000))
            evaluator = w.device(f"e{number}", "evaluator", number)
            self.windows.append(WindowActor(w, device, evaluator, self.config.windows[w.windows[number]], clerk,
                                            random.Random(self.rng.getrandbits(64)), mean_service))
        w.actors = self.windows
        self.supervisor = w.login("supervisor")

    # -- people ------------------------------------------------------------------------------------------

    def local(self, t: dt.time) -> dt.datetime:
        """`t` on the simulated day, China time."""
        return dt.datetime.combine(self.day, t, CHINA_TZ)
    def person(self) -> str:
        self.persons += 1
        first17 = (f"441900{self.rng.randint(1940, 2004)}{self.rng.randint(1, 12):02d}"
                   f"{self.rng.randint(1, 28):02d}{self.persons % 1000:03d}")
        return first17 + resident_id_check_character(first17)

    def booking_name(self, n: int) -> str:
        """The name a citizen gives with a booking (sealed on the server: the at-rest test searches for it)."""
        surname, given = "司马东方诸葛上官"[n % 4 * 2:][:2], "婉清若曦慕白子墨星河"[n % 5 * 2:][:2]
        return surname + given + "一二三四五六七八九十"[n // 20 % 10]

    def book_appointments(self) -> None:
        """The day before: a share of the citizens book a slot online."""
        rules = self.config.rules.appointment
        wanted = int(self.args.tickets * 0.08)
        prefixes = [p for p in WEIGHTS if p != "F"]
        for n in range(wanted):
            prefix = self.rng.choices(prefixes, [WEIGHTS[p] for p in prefixes])[0]
            business = self.world.businesses[prefix]
            slots = booking.slots_for_day(self.day, self.config.quotas[business], rules, CHINA_TZ)
            slot = self.rng.choice(slots[1:-1])
            id_number = self.person()
            r = self.world.http.post("/api/v1/queue/appointments", client=f"10.8.{n // 250}.{n % 250 + 1}", json={
                "business_id": business, "slot_start": slot.isoformat(), "id_number": id_number,
                "name": self.booking_name(n)})  # each from a phone
            if r.status_code == 201:
                # The answer carries no index key: the citizen's card gives it at the dispenser (hall ticket key).
                row = {**r.json()["appointment"], "person_key": search_key(RESIDENT_ID, id_number, self.keys)}
                late = self.rng.random() < 0.12
                offset = self.rng.uniform(16, 40) if late else self.rng.uniform(-25, 10)
                self.appointments.append({**row, "shows": self.rng.random() < 0.9,
                                          "arrives": slot + dt.timedelta(minutes=offset)})

    def arrivals(self) -> dict[dt.datetime, list[Arrival]]:
        """Walk-ins spread over the opening hours with a morning and an afternoon peak; appointments at their
        slots. Some citizens try to take a second ticket for the same business."""
        minutes = [self.local(dt.time(9)) + dt.timedelta(minutes=m) for m in range(8 * 60 + 25)]
        weights = [1 + 0.9 * max(0, 1 - abs(m.hour + m.minute / 60 - 10) / 1.2)
                   + 0.6 * max(0, 1 - abs(m.hour + m.minute / 60 - 15) / 1.2) for m in minutes]
        shows = [a for a in self.appointments if a["shows"]]
        out: dict[dt.datetime, list[Arrival]] = {}
        recent: list[Arrival] = []
        for _ in range(max(0, self.args.tickets - len(shows))):
            when = self.rng.choices(minutes, weights)[0]
            business = self.world.businesses[self.rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]]
            r = self.rng.random()
            if r < 0.03 and recent:
                arrival = Arrival(**{**recent[-1].__dict__})  # the same person again
            elif r < 0.55:
                number = self.person()
                green = "elderly" if is_elderly(number, self.day) else ("disabled" if r < 0.06 else None)
                arrival = Arrival(business, search_key(RESIDENT_ID, number, self.keys), green, channel="id_card")
                recent.append(arrival)
            else:
                arrival = Arrival(business)
            out.setdefault(when, []).append(arrival)
        for a in shows:
            when = a["arrives"].replace(second=0, microsecond=0)
            out.setdefault(when, []).append(Arrival(a["business_id"], a["person_key"], None, a["id"], "qr"))
        return out

    # -- the day -----------------------------------------------------------------------------------------
    def run(self) -> None:
        w = self.world
        w.clock.now = self.local(OPEN) - dt.timedelta(hours=17)  # the afternoon before
        self.book_appointments()
        schedule = self.arrivals()
        w.clock.now = self.local(OPEN)
        for device in [k.device for k in self.kiosks] + [x.device for x in self.windows]:
            device.client.sync_once()
        offline = self._offline_plan()
        while w.clock.now.time() < HARD_STOP:
            now = w.clock.now
            for kiosk, (start, end) in offline.items():
                (w.offline.add if start <= now < end else w.offline.discard)(kiosk.device.name)
            if now.time() == dt.time(13, 0):  # the afternoon shift logs in (staff tokens last a working day)
                for window in self.windows:
                    window.device.client.staff_token = w.staff_login(window.clerk, window.device.id)
            for arrival in schedule.pop(now, []):
                self._arrive(arrival)
            minute = int((now - self.local(OPEN)).total_seconds() // 60)
            self._windows(minute)
            for kiosk in self.kiosks:  # tickets go out every 2 minutes; an idle kiosk still pulls every 10
                if minute % 2 == 0 and kiosk.unsent or minute % 10 == 0:
                    self._sync_kiosk(kiosk, leases=minute % 6 == 0 or minute % 10 == 0)
            if minute % 15 == 0:
                for window in self.windows:
                    if window.rated:
                        window.evaluator.client.push()
                        window.rated = False
            w.app.state.scheduler.run_due(w.clock())  # the server's periodic jobs, on the simulated clock
            if now.time() >= CLOSE and not schedule and minute % 10 == 0 and self._quiet():
                break
            w.clock.now += dt.timedelta(minutes=1)
        self._close_day()

    def _offline_plan(self) -> dict:
        span = dt.timedelta(minutes=self.args.offline_minutes)
        starts = [self.local(dt.time(10, 0)), self.local(dt.time(14, 30))]
        return {k: (s, s + span) for k, s in zip(self.kiosks[-2:], starts)} if len(self.kiosks) >= 2 else {}

    def _arrive(self, arrival: Arrival) -> None:
        kiosk = self.rng.choice(self.kiosks)
        on_time = False
        if arrival.appointment_id is not None:
            a = next(x for x in self.appointments if x["id"] == arrival.appointment_id)
            mine = [booking.Appointment(a["id"], a["business_id"], a["person_key"],
                                        dt.datetime.fromisoformat(a["slot_start"]))]
            found = booking.check_in(mine, a["person_key"], self.world.clock.now, self.config.rules.check_in)
            on_time = found is not None and found.on_time
            if not on_time:
                arrival.appointment_id = a["id"]  # the server decides it was late: a walk-in, flagged
        kiosk.issue(arrival, on_time)

    def _sync_kiosk(self, kiosk: Dispenser, leases: bool = True) -> None:
        """Push and pull; top up the number leases every few minutes (the client's background loop would)."""
        if kiosk.device.name in self.world.offline:
            return
        client = kiosk.device.client
        try:
            if leases:
                client.leases.sync()
            client.push()
            client.pull()
        except (SyncFailed, TransportError):
            return
        for ticket_id, business_id in kiosk.unsent:
            self.arrived[ticket_id] = self.world.clock.now
            self.world.announce(business_id)
        kiosk.unsent.clear()

    def _windows(self, minute: int) -> None:
        """Free windows call one after another, each from a fresh pull — except now and then one acting on the
        view it pulled a moment ago, which makes real double calls for the server to settle."""
        order = list(self.windows)
        self.rng.shuffle(order)
        for window in order:
            window.step()
        for window in order:
            if window.wants_call and window.news:
                fresh = self.rng.random() > 0.05
                if fresh:  # a workstation's sync: push what the keypad queued, pull (it takes no leases)
                    window.device.client.push()
                    window.device.client.pull()
                if window.call(fresh):
                    window.device.client.push()  # the claim goes out at once; the answer says if it won
                    window.dirty = False
            if window.dirty and minute % 3 == 0:
                window.device.client.push()
                window.dirty = False

    def _quiet(self) -> bool:
        if any(k.unsent for k in self.kiosks) or self.world.offline:
            return False
        return hall_checks.open_tickets(self.world) == 0

    def _close_day(self) -> None:
        """Every device syncs until its outbox is empty. Whoever was still waiting at the service end was sent
        home by the server's close-of-day sweep (cancelled, flagged closed_unserved)."""
        w = self.world
        w.offline.clear()
        for kiosk in self.kiosks:
            self._sync_kiosk(kiosk)
        for window in self.windows:
            window.device.client.sync_once()
            window.evaluator.client.push()  # an evaluator only sends (it never needed the hall's rows)
        self.sent_home = hall_checks.closed_unserved(w)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--windows", type=int, default=30)
    parser.add_argument("--kiosks", type=int, default=5)
    parser.add_argument("--offline-minutes", type=int, default=30)
    add_day_argument(parser, DAY)
    args = parser.parse_args(argv)
    if not 10 <= args.windows <= 99 or args.kiosks < 1 or args.tickets < 1:
        parser.error("--windows 10…99, --kiosks ≥ 1, --tickets ≥ 1")
    try:
        working = WorkCalendar().is_workday(args.day)
    except CalendarNotPublished as error:
        parser.error(f"--day {args.day}: {error}")
    if not working:
        parser.error(f"--day {args.day} is not a working day: the hall is closed (pick a working day)")
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # the in-process server answers on other threads: hand the GIL over quickly
    started = time.perf_counter()
    shm = Path("/dev/shm")  # memory-backed when there is one: the bench measures the code, not the disk's fsync
    with tempfile.TemporaryDirectory(prefix="govhall-hall-day-", dir=shm if shm.is_dir() else None) as tmp:
        day = HallDay(args, Path(tmp))
        try:
            day.run()
            failures = hall_checks.report(day, time.perf_counter() - started)
        finally:
            for device in [k.device for k in day.kiosks] + [x.device for x in day.windows] + \
                          [x.evaluator for x in day.windows]:
                device.client.engine.dispose()
            day.world.close()
            sys.setswitchinterval(switch)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
