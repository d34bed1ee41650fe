"""Random days in a small hall (Hypothesis stateful tests): whatever the clerks and citizens do, the queue's
invariants hold — no ticket at two windows, one state per ticket with matching periods, windows serve only
their businesses, an overdue ticket is never passed over for a lower class."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shared.queue import desk
from shared.queue import lifecycle as lc
from shared.queue.calling import is_overdue, may_call
from shared.queue.clock import IssueTime
from shared.queue.errors import CallRefused
from shared.queue.rules import CallingRules, FairnessRatio
from shared.queue.tickets import Channel, GreenChannelReason, PeriodKind, PriorityClass, Ticket, TicketState
from tests.queue.builders import T0, window

RULES = CallingRules(recall_limit=2, no_show_after_recalls=1, fairness=FairnessRatio(1, 2), max_wait_minutes=20)
WINDOWS = {1: window(1, (1, 1)), 2: window(2, (1, 2), (2, 1)), 3: window(3, (3, 1), (1, 3))}
BUSINESSES = (1, 2, 3)
OPEN_KIND = {TicketState.WAITING: {PeriodKind.WAITING, PeriodKind.TRANSFERRED},
             TicketState.CALLED: {PeriodKind.CALLED},
             TicketState.SERVING: {PeriodKind.SERVING}, TicketState.HELD: {PeriodKind.HELD}}
classes = st.sampled_from(list(PriorityClass))
window_ids = st.sampled_from(sorted(WINDOWS))


class HallDay(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.tickets: dict[str, Ticket] = {}
        self.status = {w: desk.WindowStatus(w) for w in WINDOWS}
        self.at_window: dict[int, str] = {}     # the test's own book: window → ticket it called/serves
        self.seq = 0

    # --- helpers -------------------------------------------------------------------------------------------
    def _put(self, ticket: Ticket) -> None:
        self.tickets[ticket.id] = ticket

    def _current(self, window_id: int) -> Ticket | None:
        return desk.current_ticket(WINDOWS[window_id], self.tickets.values())

    # --- citizens ------------------------------------------------------------------------------------------
    @initialize(backlog=st.lists(st.tuples(st.sampled_from(BUSINESSES), classes, st.integers(0, 60)),
                                 max_size=10))
    def morning_backlog(self, backlog: list[tuple[int, PriorityClass, int]]) -> None:
        """Tickets taken (e.g. remotely) up to an hour before the first call, so some are soon overdue."""
        opening = self.now
        for business, cls, minutes_before in backlog:
            self.now = opening - dt.timedelta(minutes=minutes_before)
            self.issue(business, cls, 0, "R1")
        self.now = opening

    @rule(business=st.sampled_from(BUSINESSES), cls=classes, skew_s=st.integers(-90, 90),
          device=st.sampled_from(["K1", "K2", "K3"]))
    def issue(self, business: int, cls: PriorityClass, skew_s: int, device: str) -> None:
        self.seq += 1
        stamp = IssueTime.at(self.now + dt.timedelta(seconds=skew_s), 0, device, self.seq)   # skewed clocks
        self._put(lc.new_ticket(id=f"t{self.seq}", number=f"{'ABC'[business - 1]}{self.seq:03}",
                                business_id=business, issued_at=stamp, wall_time=self.now, priority_class=cls,
                                channel=Channel.DISPENSER,
                                green_reason=GreenChannelReason.VETERAN if cls is PriorityClass.GREEN_CHANNEL
                                else None))

    @rule(minutes=st.integers(1, 30))
    def time_passes(self, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)

    @precondition(lambda self: any(t.state is TicketState.WAITING for t in self.tickets.values()))
    @rule(data=st.data())
    def citizen_leaves(self, data: st.DataObject) -> None:
        waiting = sorted(t.id for t in self.tickets.values() if t.state is TicketState.WAITING)
        self._put(lc.cancel(self.tickets[data.draw(st.sampled_from(waiting))], self.now))

    # --- windows -------------------------------------------------------------------------------------------
    @rule(w=window_ids)
    def call_next(self, w: int) -> None:
        win = WINDOWS[w]
        overdue = [t for t in self.tickets.values() if may_call(win, t) and is_overdue(t, self.now, RULES)]
        try:
            result = desk.call_next(win, self.status[w], self.tickets.values(), self.now, RULES)
        except CallRefused as refusal:
            assert refusal.code in ("window_paused", "window_busy", "no_ticket_waiting")
            if refusal.code == "no_ticket_waiting":
                assert not any(may_call(win, t) for t in self.tickets.values())
            return
        assert result.ticket.id not in self.at_window.values(), "ticket already at another window"
        for t in overdue:   # an overdue ticket is never passed over for a lower class
            assert result.ticket.priority_class <= t.priority_class
        self._put(result.ticket)
        self.status[w] = result.status
        self.at_window[w] = result.ticket.id

    @rule(w=window_ids)
    def start_or_finish(self, w: int) -> None:
        current = self._current(w)
        if current is None:
            return
        if current.state is TicketState.CALLED:
            self._put(lc.start_service(current, self.now))
        else:
            self._put(lc.finish(current, self.now))
            del self.at_window[w]

    @rule(w=window_ids)
    def recall_or_no_show(self, w: int) -> None:
        current = self._current(w)
        if current is None or current.state is not TicketState.CALLED:
            return
        if current.recalls < RULES.no_show_after_recalls:
            self._put(lc.recall(current, RULES, self.now))
        else:
            self._put(lc.mark_no_show(current, RULES, self.now))
            del self.at_window[w]

    @rule(w=window_ids)
    def hold(self, w: int) -> None:
        current = self._current(w)
        if current is not None:
            self._put(lc.hold(current, self.now))
            del self.at_window[w]

    @rule(w=window_ids)
    def call_back(self, w: int) -> None:
        held = sorted(t.id for t in self.tickets.values() if t.state is TicketState.HELD and t.window_id == w)
        if not held:
            return
        try:
            ticket = desk.call_back(WINDOWS[w], self.status[w], self.tickets[held[0]], self.tickets.values(),
                                    self.now)
        except CallRefused as refusal:
            assert refusal.code in ("window_paused", "window_busy")
            return
        self._put(ticket)
        self.at_window[w] = ticket.id

    @rule(w=window_ids, to=st.sampled_from(BUSINESSES), to_window=st.booleans())
    def transfer(self, w: int, to: int, to_window: bool) -> None:
        current = self._current(w)
        if current is None:
            return
        others = [win for win in WINDOWS.values() if win.serves(to) and win.id != w]
        target = others[0] if to_window and others else None
        try:
            moved = lc.transfer(current, self.now, RULES, to_business_id=to, to_window=target)
        except CallRefused as refusal:
            assert refusal.code == "transfer_needs_destination" and to == current.business_id and target is None
            return
        assert moved.queue_key == current.queue_key          # keeps its place
        self._put(moved)
        del self.at_window[w]

    @rule(w=window_ids)
    def pause_or_resume(self, w: int) -> None:
        status = self.status[w]
        self.status[w] = desk.resume(status) if status.paused else desk.pause(status, self.now)

    # --- invariants ----------------------------------------------------------------------------------------
    @invariant()
    def no_ticket_at_two_windows(self) -> None:
        assert len(set(self.at_window.values())) == len(self.at_window)
        for w in WINDOWS:
            current = [t.id for t in self.tickets.values()
                       if t.window_id == w and t.state in (TicketState.CALLED, TicketState.SERVING)]
            assert current == ([self.at_window[w]] if w in self.at_window else [])

    @invariant()
    def windows_hold_only_their_businesses(self) -> None:
        for t in self.tickets.values():
            if t.state in (TicketState.CALLED, TicketState.SERVING, TicketState.HELD):
                assert t.window_id is not None and WINDOWS[t.window_id].serves(t.business_id)

    @invariant()
    def one_state_and_matching_contiguous_periods(self) -> None:
        for t in self.tickets.values():
            for before, after in zip(t.periods, t.periods[1:]):
                assert before.end == after.start
            if t.state.is_final:
                assert t.current_period is None
            else:
                assert t.current_period is not None and t.current_period.kind in OPEN_KIND[t.state]
                assert all(p.end is not None for p in t.periods[:-1])


HallDay.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
TestHallDay = HallDay.TestCase
