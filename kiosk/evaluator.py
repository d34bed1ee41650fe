"""The evaluator mode, bound to one window: follows the window's ticket in the synced rows, asks for a rating
when service finishes (or on the keypad's evaluation key) and records it through RatingDesk."""

from __future__ import annotations

from gui.ops import Ops
from gui.qt import QCoreApplication
from gui.qt import QTimer
from drivers.keypad.codec import Key
from kiosk.flow.evaluator import EvaluatorFlow, Rate, RateCase, Step
from kiosk.screens.evaluator_screens import AskScreen, ClerkScreen, ReasonScreen, ThanksScreen
from kiosk.services.rating import RatingDesk
from kiosk.services.staff_photos import StaffPhotos
from kiosk.widgets.shell import KioskShell
from kiosk.widgets.theme import NORMAL, sheet


class EvaluatorWindow(KioskShell):
    DESIGN = (1280, 800)  # the 10" tablet, landscape; it may stand portrait too
    def __init__(self, ops: Ops, desk: RatingDesk, *, keypad=None, pin: str = "",  # noqa: ANN001
                 facts=lambda: [], photos: StaffPhotos | None = None,
                 ask_seconds: int | None = None, reask_seconds: int = 60, poll_ms: int = 500,
                 on_change=lambda: None) -> None:  # noqa: ANN001
        title = QCoreApplication.translate("Kiosk", "服务评价")
        super().__init__(ops, desk.sync, hall=desk.directory.hall_name, title=title, pin=pin,
                         facts=facts, header_px=26, now=desk.now)
        self.setStyleSheet(sheet(NORMAL))
        self.desk, self.on_change = desk, on_change
        self.photos = photos if photos is not None else StaffPhotos(desk.sync)
        self._photo_for: int | None = None  # the clerk whose photo was asked for last
        self._clerk = None  # the clerk on the window's badge, as last read (kiosk.services.reference.Clerk)
        # The hall's rating rules (as synced) set how long a rating is waited for and the deadline the 差评
        # screen promises; an explicit ask_seconds (tests, benches) overrides the wait.
        self._ask_seconds = ask_seconds
        self.flow = EvaluatorFlow(reask_seconds=reask_seconds)
        self.clerk = ClerkScreen(desk.window_number)
        self.ask, self.reasons, self.thanks = AskScreen(), ReasonScreen(), ThanksScreen()
        self._follow_rules()
        for w in (self.clerk, self.ask, self.reasons, self.thanks):
            self.stack.addWidget(w)
        self.ask.sig_level.connect(lambda level: self.run(self.flow.choose(level)))
        self.reasons.sig_reason.connect(lambda reason: self.run(self.flow.reason(reason)))
        self.sig_idle.connect(lambda: self.run(self.flow.idle(self.desk.now())))
        if keypad is not None:
            keypad.sig_key.connect(self._key)
        self._reading = False
        self.timer = QTimer(self, interval=poll_ms, timeout=self.poll)
        self.timer.start()
        self.poll()
        self.show_step()

    def fit_to(self, width: int, height: int) -> None:
        super().fit_to(width, height)
        theme = self.theme_for(NORMAL)
        self.setStyleSheet(sheet(theme))
        for screen in (self.clerk, self.ask, self.reasons, self.thanks):
            screen.restyle(theme)

    def _key(self, event) -> None:  # noqa: ANN001  drivers.keypad.codec.KeyEvent
        if event.key is Key.EVALUATE:
            self.run(self.flow.evaluation_key())

    def poll(self) -> None:
        if self._reading:
            return
        self._reading = True
        self.ops.run(self.desk.observe, on_done=self.alive(self._observed), on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        self._reading = False

    def _follow_rules(self) -> None:
        rating = self.desk.directory.rules.rating
        self.flow.ask_seconds = self._ask_seconds or rating.timeout_seconds
        self.reasons.promise_days(rating.rectification_workdays)

    def _observed(self, answer) -> None:  # noqa: ANN001  (Visit | None, Clerk | None, CaseAsk | None)
        self._reading = False
        self._follow_rules()  # observe() re-read them when a sync brought new ones
        visit, self._clerk, asked = answer
        self.run(self.flow.observe_case(asked, self.desk.now()))  # 一事一评 first: the citizen is still at the counter
        self.run(self.flow.observe(visit))

    def run(self, actions: list) -> None:
        for action in actions:
            if isinstance(action, Rate):
                self.ops.write(lambda a=action: self.desk.record(a),
                               on_done=self.alive(lambda _: self.on_change()))
            elif isinstance(action, RateCase):
                self.ops.write(lambda a=action: self.desk.record_case(a),
                               on_done=self.alive(lambda _: self.on_change()))
        self.show_step()

    def show_step(self) -> None:
        step, visit = self.flow.step, self.flow.serving
        if step is Step.IDLE:
            clerk = self._clerk if visit else None
            serving = visit.display if visit and visit.state in ("called", "serving") else None
            self.clerk.show_clerk(clerk.name if clerk else "", clerk.staff_no if clerk else "", serving)
            self._ask_photo(clerk.user_id if clerk else None)
            self.stack.setCurrentWidget(self.clerk)
        elif step is Step.ASK:
            if self.flow.case is not None:
                self.ask.ask_case(self.flow.case.reference, self.flow.case.item_name)
            else:
                self.ask.ask(visit.display)
            self.stack.setCurrentWidget(self.ask)
        elif step is Step.REASON:
            self.stack.setCurrentWidget(self.reasons)
        elif step is Step.THANKS:
            self.thanks.thank(self.flow.level)
            self.stack.setCurrentWidget(self.thanks)
        seconds = self.flow.timeout()
        if self.idle_timer.isActive() and self._idle_seconds == seconds:
            return  # the poll re-shows the same step: keep the running countdown
        self.arm_idle(seconds)

    def _ask_photo(self, user_id: int | None) -> None:
        """Ask for the clerk's photo once per change of clerk (the server or, offline, the cache answers)."""
        if user_id == self._photo_for:
            return
        self._photo_for = user_id
        if not user_id:
            return

        def arrived(answer: tuple[bytes | None, bool]) -> None:
            data, changed = answer
            if changed:
                self.ops.write(lambda: self.photos.keep(user_id, data))
            if self._photo_for == user_id:  # still the clerk at the window
                self.clerk.show_photo(data)
        self.ops.run(lambda: self.photos.fetch(user_id), on_done=self.alive(arrived), on_error=lambda exc: None)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.timer.stop()
        super().closeEvent(event)
