"""The people and devices of `bench.hall_day`: dispensers that issue from their leases (and refuse politely
by the shared rules when they can), windows that call by the shared calling rules from what they have pulled
and use every keypad action, and evaluators that rate each finished visit."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.hall_world import Device, World, new_id
from server.queue.config import HallConfig
from shared.queue import closing, desk
from shared.queue.calling import may_call
from shared.protocol.queue_rows import ticket_of
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Window as WindowConfig
from shared.queue.errors import CallRefused, IssueRefused
from shared.queue.issuance import IssuedCounts, IssueRequest, admit
from shared.queue.tickets import ACTIVE_STATE_NAMES, FINAL_STATE_NAMES, Channel, Ticket, TicketState
from shared.sync.hlc import decode

ACTIVE, FINAL = ACTIVE_STATE_NAMES, FINAL_STATE_NAMES


@dataclass
class Arrival:
    business_id: int
    person_key: str | None = None
    green: str | None = None
    appointment_id: str | None = None
    channel: str = "dispenser"


class Dispenser:
    def __init__(self, world: World, device: Device, config: HallConfig) -> None:
        self.world, self.device, self.config = world, device, config
        self.refused: dict[str, int] = {}
        self.issued: list[str] = []
        self.unsent: list[tuple[str, int]] = []  # (ticket, business) issued since the last successful push
        self._seen_version = -1
        self._counts: dict[int, list[int]] = {}
        self._active: set[tuple[str, int]] = set()
        self.seq = 0

    def _summary(self) -> None:
        """Counts and held persons from the pulled rows, rebuilt only when a pull brought something."""
        view = self.device.transport.view
        version = self.device.transport.version
        if version == self._seen_version:
            return
        self._seen_version = version
        counts: dict[int, list[int]] = {}
        active: set[tuple[str, int]] = set()
        for row in view.get("queue_ticket", {}).values():
            if row["priority_class"] != 1:
                start = dt.datetime.fromisoformat(row["periods"][0]["start"]).astimezone(CHINA_TZ)
                c = counts.setdefault(row["business_id"], [0, 0])
                c[0 if start.time() < dt.time(12) else 1] += 1
            if row["person_key"] and row["state"] in ACTIVE:
                active.add((row["person_key"], row["business_id"]))
        for row in view.get("queue_appointment", {}).values():
            if row["state"] in ("booked", "checked_in"):
                start = dt.datetime.fromisoformat(row["slot_start"]).astimezone(CHINA_TZ)
                c = counts.setdefault(row["business_id"], [0, 0])
                c[0 if start.time() < dt.time(12) else 1] += 1
        self._counts, self._active = counts, active

    def issue(self, arrival: Arrival, on_time: bool) -> str | None:
        """Issue a ticket, or refuse by the rules this dispenser can check. Returns the ticket id."""
        self._summary()
        now = self.world.clock.now
        business = self.config.businesses[arrival.business_id]
        quota = self.config.quotas.get(arrival.business_id)
        am, pm = self._counts.get(arrival.business_id, [0, 0])
        try:
            if not on_time:
                admit(IssueRequest(business.id, Channel.DISPENSER, now), business, quota,
                      IssuedCounts(am + pm, am, pm), ())
            if arrival.person_key and (arrival.person_key, business.id) in self._active:
                raise IssueRefused("person_already_queued", "already queued")
        except IssueRefused as refused:
            self.refused[refused.code] = self.refused.get(refused.code, 0) + 1
            return None
        ticket_id = new_id()
        client = self.device.client
        with client.engine.begin() as conn:
            number = client.leases.issue(conn, "ticket", business.prefix, self.world.day.isoformat())
            millis, logical, _ = decode(client.clock.now())
            self.seq += 1
            args = {"ticket_id": ticket_id, "business_id": business.id, "display": number.display,
                    "number": number.number, "block_id": number.block_id, "day": self.world.day.isoformat(),
                    "channel": arrival.channel, "printed": True, "at": now.isoformat(),
                    "issued_at": {"physical_ms": millis, "logical": logical, "device_id": self.device.id,
                                  "device_seq": self.seq},
                    "person_key": arrival.person_key, "green_reason": arrival.green,
                    "appointment_id": arrival.appointment_id}
            row = {"id": ticket_id, "display": number.display, "business_id": business.id, "state": "waiting"}
            client.submit("queue.issue", 1, args, effects=[("queue_ticket", ticket_id, row)], conn=conn)
        c = self._counts.setdefault(business.id, [0, 0])
        if not on_time:
            c[0 if now.time() < dt.time(12) else 1] += 1
        if arrival.person_key:
            self._active.add((arrival.person_key, business.id))
        self.issued.append(ticket_id)
        self.unsent.append((ticket_id, business.id))
        return ticket_id


@dataclass
class WindowActor:
    world: World
    device: Device
    evaluator: Device
    config: WindowConfig
    clerk: str
    rng: random.Random
    mean_service: float
    status: desk.WindowStatus = field(init=False)
    state: str = "idle"  # idle / calling / called / serving / held / paused
    ticket: str | None = None
    due: dt.datetime | None = None  # when the next timed step happens
    recalls: int = 0
    call_command: str | None = None
    cache: dict[str, tuple[dict, Ticket]] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    dirty: bool = False  # commands queued since the last push
    news: bool = True  # something it could call may have arrived since its last pull (the events endpoint)
    rated: bool = False  # the evaluator holds unsent ratings
    done: set = field(default_factory=set)  # tickets it handed on: its own outbox knows, even before a pull

    def __post_init__(self) -> None:
        self.status = desk.WindowStatus(self.config.id)

    # -- helpers -----------------------------------------------------------------------------------------
    def _at(self) -> str:
        return self.world.clock.now.isoformat()

    def _send(self, name: str, **args) -> None:  # noqa: ANN003
        self.actions[name] = self.actions.get(name, 0) + 1
        self.dirty = True
        args.setdefault("at", self._at())
        if "ticket_id" in args or name in ("queue.pause", "queue.resume"):
            args.setdefault("window_id", self.config.id)
        self.device.client.submit(name, 1, args)

    def _later(self, minutes: float) -> None:
        self.due = self.world.clock.now + dt.timedelta(minutes=minutes)

    def _ready(self) -> bool:
        return self.due is None or self.world.clock.now >= self.due

    def tickets(self) -> list[Ticket]:
        out = []
        for pk, row in self.device.transport.view.get("queue_ticket", {}).items():
            if row["state"] in FINAL:  # never callable, never busy at a window
                continue
            cached = self.cache.get(pk)
            if cached is None or cached[0] is not row:
                cached = (row, ticket_of(row))
                self.cache[pk] = cached
            out.append(cached[1])
        return out

    # -- one simulated minute ----------------------------------------------------------------------------
    def step(self) -> None:
        """Timed actions for the current ticket; returns with `wants_call` set when free to call."""
        for rejected in self.device.rejected:
            if rejected.command_id == self.call_command:  # lost the claim (or the window was refused): free again
                self.state, self.ticket, self.call_command, self.news = "idle", None, None, True
        self.device.rejected.clear()
        if not self._ready():
            return
        r = self.rng.random()
        if self.state == "paused":
            self._send("queue.resume")
            self.state, self.status = "idle", desk.resume(self.status)
        elif self.state == "idle" and r < 0.004:
            self._send("queue.pause", reason="临时离开")
            self.state, self.status = "paused", desk.pause(self.status, self.world.clock())
            self._later(self.rng.uniform(5, 15))
        elif self.state == "called":
            self._called(r)
        elif self.state == "serving":
            self._serving(r)
        elif self.state == "held":
            self._send("queue.call", call_id=new_id(), ticket_id=self.ticket, mode="call_back", reasons=[])
            self.state, self.recalls = "called", 0
            self._later(self.rng.uniform(0.3, 1.5))  # the citizen walks to the window

    def _called(self, r: float) -> None:
        if r < (0.9 if self.recalls == 0 else 0.5):
            self._send("queue.start", ticket_id=self.ticket)
            self.state = "serving"
            self._later(self.rng.lognormvariate(0, 0.5) * self.mean_service)
        elif self.recalls < 2:
            self._send("queue.recall", ticket_id=self.ticket)
            self.recalls += 1
            self._later(1)
        else:
            self._send("queue.no_show", ticket_id=self.ticket)
            self.done.add(self.ticket)
            self.state, self.ticket = "idle", None

    def _serving(self, r: float) -> None:
        if r < 0.03:
            self._send("queue.hold", ticket_id=self.ticket)
            self.state = "held"
            self._later(self.rng.uniform(3, 8))
        elif r < 0.07:
            targets = sorted(set(self.world.businesses.values()) - set(self.config.business_ids))
            target = self.rng.choice(targets)
            self._send("queue.transfer", ticket_id=self.ticket, to_business_id=target)
            self.world.announce(target)
            self.done.add(self.ticket)
            self.state, self.ticket = "idle", None
        else:
            self._send("queue.finish", ticket_id=self.ticket)
            self._rate(self.ticket)
            self.done.add(self.ticket)
            self.state, self.ticket = "idle", None

    def _rate(self, ticket_id: str) -> None:
        r = self.rng.random()
        at = self.world.clock.now + dt.timedelta(seconds=self.rng.uniform(3, 50))
        level, reason = "very_satisfied", ""
        if r < 0.12:
            level, at = None, self.world.clock.now + dt.timedelta(seconds=61)
        elif r < 0.16:
            level, reason = self.rng.choice(["dissatisfied", "very_dissatisfied"]), "等候时间太长"
        elif r < 0.4:
            level = self.rng.choice(["satisfied", "basically_satisfied"])
        self.rated = True
        self.evaluator.client.submit("queue.rate", 1, {
            "rating_id": new_id(), "ticket_id": ticket_id, "window_id": self.config.id, "clerk": self.clerk,
            "level": level, "reason": reason, "at": at.isoformat()})

    @property
    def wants_call(self) -> bool:
        return self.state == "idle" and self._ready()

    def call(self, fresh: bool = True) -> bool:
        """Choose from the pulled view by the shared calling rules and claim it. False: nobody to call.
        `fresh`: the view was pulled just now (else the call is remembered as made from an older view)."""
        now = self.world.clock()
        rules = self.world.rules
        # After a business's service end (closing time plus the grace) its waiting tickets are not called.
        open_for = {b: closing.may_call_at(q, rules, self.world.day, now, CHINA_TZ)
                    for b, q in self.world.quotas.items()}
        tickets = [t for t in self.tickets() if t.id not in self.done
                   and (t.state is TicketState.WAITING and open_for.get(t.business_id, True)
                        or t.window_id == self.config.id)]
        try:
            if self.rng.random() < 0.02:
                mine = sorted((t for t in tickets if may_call(self.config, t)), key=lambda t: t.number)
                if not mine:
                    self.news = False
                    return False
                result = desk.call_specific(self.config, self.status, mine[-1], tickets, now, rules, self.clerk)
                mode = "specific"
            else:
                result = desk.call_next(self.config, self.status, tickets, now, rules, self.clerk)
                mode = "next"
        except CallRefused:
            self.news = False  # nothing it may call: wait for news
            return False
        self.status = result.status
        call_id = new_id()
        if not fresh:
            self.world.stale_calls.add(call_id)
        queued = self.device.client.submit("queue.call", 1, {
            "call_id": call_id, "ticket_id": result.ticket.id, "window_id": self.config.id, "mode": mode,
            "at": self._at(), "reasons": [r.to_dict() for r in result.decision.reasons][:10]})
        self.actions["queue.call"] = self.actions.get("queue.call", 0) + 1
        self.dirty = True
        self.state, self.ticket, self.call_command, self.recalls = "called", result.ticket.id, queued.command_id, 0
        self._later(self.rng.uniform(0.3, 1.5))  # the citizen walks to the window
        return True
