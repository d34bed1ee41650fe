"""The counter's queue actions (叫号). Each action runs the shared calling rules on the local view of the hall
(shared.queue.desk / lifecycle), then queues the wire command of shared.protocol.queue with its optimistic rows
in one transaction. The server's handler has the last word (first claim wins); a refusal comes back as a
rejected command and its optimistic rows are rolled back by sync."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.protocol.queue_rows import call_row, row_after, ticket_of, window_row
from shared.queue import desk, lifecycle
from shared.queue.calling import Decision, Reason, choose_next
from shared.queue.clock import CHINA_TZ
from shared.queue.config import Window
from shared.queue.errors import CallRefused
from shared.queue.fairness import FairnessState
from shared.queue.hall_rules import RULES_TABLE, rules_from_row
from shared.queue.rules import CallingRules
from shared.queue.tickets import Ticket, TicketState
from shared.sync.client import SyncClient
from shared.sync.transport import TransportError

VERSION = 1
# How long 顺呼 waits for the server's answer (each request, and a sync cycle already running) before this
# counter decides from its cache instead. A server that cannot be reached at all fails sooner, at the
# transport's connect timeout (3 s); once the request is sent the server will most likely decide it, and a
# call from the cache meanwhile is one the server then refuses, so this is not cut short: 8 windows pressing
# at once on a loaded SQLite server were seen to wait 2-3 s. After a failure the counter is offline and calls
# from its cache at once until its sync loop reaches the server again.
ONLINE_CALL_TIMEOUT = 6.0
# The states desk.current_ticket looks for: a pre-filter of the candidates only, the rule decides.
CURRENT_STATES = (TicketState.CALLED.value, TicketState.SERVING.value)


@dataclass(frozen=True)
class DeskSnapshot:
    """Everything the calling panel shows, read in one go off the GUI thread."""
    current: Ticket | None
    paused: bool
    waiting: dict[int, int]                  # business id → people waiting this window may call
    held: tuple[Ticket, ...]                 # set aside at this window
    preview: Decision | None                 # who "call next" would call now, and why
    last_decision: Decision | None
    rating: dict | None                      # latest queue_rating row of this window today
    now: dt.datetime
    waiting_tickets: tuple[Ticket, ...] = field(default=())
    booked_name: str = ""                    # the name given with the current ticket's booking ("" if none)


class QueueDesk:
    def __init__(self, sync: SyncClient, window: Window, clerk: str, clock: Callable[[], dt.datetime],
                 hall_id: int | None = None) -> None:
        self.sync, self.window, self.clerk, self.clock, self.hall_id = sync, window, clerk, clock, hall_id
        self.fairness = FairnessState()  # this counter's place in the 1:2 cycle (kept for the session)
        self.last_decision: Decision | None = None
        self._booked_names: dict[str, str] = {}  # ticket id → name its booking gave (asked once per ticket)
        self._rules: tuple[dict | None, CallingRules] | None = None  # the rules row last read, parsed

    @property
    def rules(self) -> CallingRules:
        """The hall's published calling rules, read for each decision (the server decides with the same row);
        parsed again only when the row changed."""
        row = self.sync.confirmed(RULES_TABLE).get(str(self.hall_id))
        if self._rules is None or self._rules[0] != row:
            self._rules = (row, rules_from_row(row).calling)
        return self._rules[1]

    # -- reading -----------------------------------------------------------------------------------------
    def _rows(self) -> dict[str, dict]:
        return self._today(self.sync.rows("queue_ticket"))

    def _today(self, rows: dict[str, dict]) -> dict[str, dict]:
        today = self.clock().astimezone(CHINA_TZ).date().isoformat()
        return {pk: r for pk, r in rows.items() if str(r.get("day")) == today}

    def _window_state(self) -> dict:
        """This window's merged `queue_window` row ({} before its first)."""
        return self.sync.rows("queue_window", [str(self.window.id)]).get(str(self.window.id)) or {}

    def _paused(self) -> bool:
        return bool(self._window_state().get("paused"))

    def snapshot(self) -> DeskSnapshot:
        now = self.clock()
        tickets = [ticket_of(r) for r in self._rows().values()]
        callable_ = [t for t in tickets if t.state is TicketState.WAITING
                     and t.target_window_id in (None, self.window.id) and self.window.serves(t.business_id)]
        waiting = {s.business_id: sum(1 for t in callable_ if t.business_id == s.business_id)
                   for s in self.window.services}
        held = tuple(t for t in tickets if t.state is TicketState.HELD and t.window_id == self.window.id)
        ratings = [r for r in self.sync.rows("queue_rating").values() if r.get("window_id") == self.window.id]
        rating = max(ratings, key=lambda r: r["at"]) if ratings else None
        preview = choose_next(self.window, tickets, now, self.fairness, self.rules)
        current = desk.current_ticket(self.window, tickets)
        return DeskSnapshot(current, self._paused(), waiting, held, preview,
                            self.last_decision, rating, now, tuple(sorted(callable_, key=lambda t: t.queue_key)),
                            self.booked_name(current))

    def booked_name(self, ticket: Ticket | None) -> str:
        """The name the citizen gave when booking the ticket's appointment, asked of the server once the
        booking is checked in (it never syncs, so no cache holds it); "" for walk-ins, bookings without a name,
        and while the server cannot be reached (asked again at the next snapshot). Blocking: off the GUI
        thread, like snapshot()."""
        if ticket is None or not ticket.appointment_id:
            return ""
        if ticket.id not in self._booked_names:
            if not self.sync.online:
                return ""
            try:
                reply = self.sync.call("GET", f"/queue/tickets/{ticket.id}/booking-name", timeout=5)
            except TransportError:
                return ""
            if reply.status not in (200, 404):
                return ""
            self._booked_names = {ticket.id: reply.body["name"] if reply.status == 200 else ""}  # only the current
        return self._booked_names[ticket.id]

    # -- actions -----------------------------------------------------------------------------------------
    def call_next(self) -> Decision:
        """顺呼. Online the server decides from its own rows (`queue.call_next`, so concurrent windows never lose
        a claim) and its answer brings the called ticket's rows, shown at once; offline — or when the server
        does not answer within ONLINE_CALL_TIMEOUT — this counter decides from its cache and claims
        (`queue.call`), and sync reconciles the two as for any offline call."""
        if self.sync.online:  # the server refuses what the cache would (paused, busy…), from its fresher rows
            decided = self._call_next_on_server()
            if decided is not None:
                return decided
        status = desk.WindowStatus(self.window.id, paused=self._paused(), fairness=self.fairness)
        rows, result = self._decide(status)
        self._call(rows[result.ticket.id], result.ticket, "next", result.decision)
        self.fairness = result.status.fairness
        return result.decision

    def _decide(self, status: desk.WindowStatus) -> tuple[dict[str, dict], desk.CallResult]:
        rows = self._rows()
        return rows, desk.call_next(self.window, status, [ticket_of(r) for r in rows.values()], self.clock(),
                                    self.rules, self.clerk)

    def _call_next_on_server(self) -> Decision | None:
        """The server's decision, its rows overlaid on the cache by the push that brought it (no pull waited
        for); None when the server did not answer in time (then the command stays queued and the server
        refuses it as stale if it arrives late, or as `window_busy` after the local call that follows)."""
        now = self.clock()  # the server refuses it if its HLC stamp (server-corrected) is 15 s old on arrival
        queued = self.sync.submit("queue.call_next", VERSION, {"call_id": str(uuid.uuid4()),
                                                               "window_id": self.window.id, "at": now.isoformat()},
                                  wake=False)  # pushed right here, not by the loop
        answer = self.sync.push_now(queued.command_id, timeout=ONLINE_CALL_TIMEOUT)
        if answer is None:
            return None
        if answer["status"] != "accepted":
            self.sync.acknowledge(queued.command_id)  # told to the clerk here, not in the rejections list
            details = {k: v for k, v in (answer["details"] or {}).items() if k not in ("code", "message")}
            raise CallRefused(answer["code"] or "call_refused", answer["message"] or "", **details)
        result = answer["result"] or {}
        ticket = ticket_of(self.sync.rows("queue_ticket", [result["ticket_id"]])[result["ticket_id"]])
        reasons = tuple(Reason(r["code"], tuple((k, v) for k, v in r.items() if k != "code"))
                        for r in result.get("reasons", []))
        self.fairness = self.fairness.after(ticket.priority_class, self.rules.fairness)
        self.last_decision = Decision(self.window.id, ticket, reasons, self.fairness)
        return self.last_decision

    def call_specific(self, display: str) -> Decision:
        rows = self._rows()
        tickets = [ticket_of(r) for r in rows.values()]
        wanted = display.strip().upper()
        ticket = next((t for t in tickets if t.number == wanted and t.state is TicketState.WAITING), None)
        if ticket is None:
            raise CallRefused("no_ticket_waiting", f"ticket {wanted} is not waiting", ticket=wanted)
        status = desk.WindowStatus(self.window.id, paused=self._paused(), fairness=self.fairness)
        result = desk.call_specific(self.window, status, ticket, tickets, self.clock(), self.rules, self.clerk)
        self._call(rows[ticket.id], result.ticket, "specific", result.decision)
        self.fairness = result.status.fairness
        return result.decision

    def call_back(self, ticket_id: str) -> Ticket:
        rows = self._rows()
        tickets = [ticket_of(r) for r in rows.values()]
        status = desk.WindowStatus(self.window.id, paused=self._paused(), fairness=self.fairness)
        called = desk.call_back(self.window, status, ticket_of(rows[ticket_id]), tickets, self.clock())
        self._call(rows[ticket_id], called, "call_back", None)
        return called

    def recall(self) -> Ticket:
        return self._act("queue.recall", lambda t, now: lifecycle.recall(t, self.rules, now), call_kind="recall")

    def start(self) -> Ticket:
        return self._act("queue.start", lambda t, now: lifecycle.start_service(t, now, self.clerk))

    def finish(self) -> Ticket:
        """办结: the window's evaluator asks the citizen for a rating when it sees the finished ticket."""
        return self._act("queue.finish", lifecycle.finish, frees_window=True)

    def hold(self) -> Ticket:
        return self._act("queue.hold", lifecycle.hold, frees_window=True)

    def no_show(self) -> Ticket:
        return self._act("queue.no_show", lambda t, now: lifecycle.mark_no_show(t, self.rules, now),
                         frees_window=True)

    def transfer(self, *, to_business_id: int | None = None, to_window: Window | None = None) -> Ticket:
        def move(t: Ticket, now: dt.datetime) -> Ticket:
            return lifecycle.transfer(t, now, self.rules, to_business_id=to_business_id, to_window=to_window)
        extra = {"to_business_id": to_business_id, "to_window_id": to_window.id if to_window else None}
        return self._act("queue.transfer", move, frees_window=True, extra=extra)

    def pause(self, reason: str = "") -> None:
        desk.pause(desk.WindowStatus(self.window.id, paused=self._paused()), self.clock())
        self._window_command("queue.pause", True, reason)

    def resume(self) -> None:
        desk.resume(desk.WindowStatus(self.window.id, paused=self._paused()))
        self._window_command("queue.resume", False, "")

    # -- plumbing ----------------------------------------------------------------------------------------
    def _current(self, state: dict) -> tuple[dict, Ticket]:
        """The window's called or serving ticket, by the shared rule (desk.current_ticket) over as few rows as
        will do: the one the window row `state` names (each call and start sets it), else the tickets at this
        window in those states — never every ticket the window has served today."""
        named = state.get("current_ticket_id")
        rows = self._today(self.sync.rows("queue_ticket", [named])) if named else {}
        current = desk.current_ticket(self.window, [ticket_of(r) for r in rows.values()])
        if current is None:  # the row names none, or one no longer current here
            rows = self._today(self.sync.rows_with("queue_ticket", "window_id", self.window.id,
                                                   among={"state": CURRENT_STATES}))
            current = desk.current_ticket(self.window, [ticket_of(r) for r in rows.values()])
        if current is None:
            raise CallRefused("wrong_ticket_state", "this window has no called or serving ticket",
                              window=self.window.id)
        return rows[current.id], current

    def _act(self, name: str, move, *, frees_window: bool = False, call_kind: str | None = None,
             extra: dict | None = None) -> Ticket:  # noqa: ANN001
        state = self._window_state()
        row, ticket = self._current(state)
        now = self.clock()
        after = move(ticket, now)
        args = {"ticket_id": ticket.id, "window_id": self.window.id, "at": now.isoformat(), **(extra or {})}
        effects = [("queue_ticket", ticket.id, row_after(row, after))]
        if frees_window:
            effects.append(("queue_window", str(self.window.id),
                            self._window_row(None, now, paused=bool(state.get("paused")))))
        if call_kind:
            effects.append(self._call_row(ticket, call_kind, now))
        self.sync.submit(name, VERSION, args, effects=effects)
        return after

    def _call(self, row: dict, called: Ticket, mode: str, decision: Decision | None) -> None:
        now = self.clock()
        call_id = str(uuid.uuid4())
        reasons = [r.to_dict() for r in decision.reasons][:10] if decision else []
        args = {"call_id": call_id, "ticket_id": called.id, "window_id": self.window.id, "mode": mode,
                "at": now.isoformat(), "reasons": reasons}
        kind = "call_back" if mode == "call_back" else "call"
        self.sync.submit("queue.call", VERSION, args, effects=[
            ("queue_ticket", called.id, row_after(row, called)),
            ("queue_window", str(self.window.id), self._window_row(called.id, now)),
            self._call_row(called, kind, now, call_id)])
        self.last_decision = decision

    def _call_row(self, ticket: Ticket, kind: str, now: dt.datetime, call_id: str | None = None) -> tuple:
        call_id = call_id or str(uuid.uuid4())
        return ("queue_call", call_id, call_row(call_id=call_id, hall_id=None, ticket_id=ticket.id,
                                                display=ticket.number, window_id=self.window.id,
                                                window_number=self.window.number, kind=kind, at=now))

    def _window_row(self, ticket_id: str | None, now: dt.datetime, paused: bool | None = None) -> dict:
        return window_row(window_id=self.window.id, hall_id=None, paused=self._paused() if paused is None else paused,
                          current_ticket_id=ticket_id, since=now)

    def _window_command(self, name: str, paused: bool, reason: str) -> None:
        now = self.clock()
        row = self._window_state()
        self.sync.submit(name, VERSION, {"window_id": self.window.id, "at": now.isoformat(), "reason": reason},
                         effects=[("queue_window", str(self.window.id),
                                   {**self._window_row(row.get("current_ticket_id"), now), "paused": paused})])
