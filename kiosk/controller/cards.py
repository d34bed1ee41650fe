"""One worker thread per LED card (a serial bus or a socket may block): it shows the newest screen wanted for
its card, re-sends it every `keepalive` seconds (a card that lost power shows it again, and a card that
vanished is noticed), and while the card is unreachable tries every `retry` seconds — so a card that comes
back gets the current state at once. Faults and recoveries go to `on_health(card, code, recovered)`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from drivers.core.errors import DeviceError, ProtocolError
from drivers.display import bx
from drivers.factory import led_display
from kiosk.controller.config import Card
from kiosk.controller.screens import Screen

log = logging.getLogger("govhall.controller")
UNREACHABLE, REFUSED = "led_unreachable", "led_refused"


def areas(screen: Screen, width: int, height: int) -> list[bx.TextArea]:
    """One area per line, stacked: a window card's two lines each get half its height."""
    rows = len(screen.lines)
    line_h = max(1, height // rows)
    return [bx.TextArea(text, area_id=i, x=0, y=i * line_h, width=width, height=line_h,
                        mode=2 if screen.scroll else 1, speed=1, stay=5 if not screen.scroll else 0)
            for i, text in enumerate(screen.lines)]


class CardWorker:
    def __init__(self, card: Card, *, keepalive: float = 10.0, retry: float = 2.0,
                 on_health: Callable[[Card, str, bool], None] = lambda card, code, recovered: None,
                 on_shown: Callable[[Card, Screen], None] = lambda card, screen: None) -> None:
        self.card, self.keepalive, self.retry = card, keepalive, retry
        self.on_health, self.on_shown = on_health, on_shown
        self.display = led_display(card.settings)
        self.address = card.address  # None until the admin's address for the window arrives by sync
        if card.address is not None:
            self.display.address = card.address
        self.size = (card.settings.get_int("width", 64), card.settings.get_int("height", 32))
        self.wanted: Screen | None = None
        self.shown: Screen | None = None
        self.fault: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"led-{card.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.display.close()

    def readdress(self, address: int) -> None:
        """The admin set (or changed) the bus address of this window's card: the current screen goes to it."""
        if address != self.address:
            log.info("LED card %s: bus address %s (was %s)", self.card.name, address, self.address)
            self.address = self.display.address = address
            self.shown = None
            self._wake.set()

    def want(self, screen: Screen) -> None:
        if screen != self.wanted:
            self.wanted = screen
            self._wake.set()

    def _run(self) -> None:
        last_sent = 0.0
        while not self._stop.is_set():
            screen = self.wanted
            due = self.fault is not None or time.monotonic() - last_sent >= self.keepalive
            if screen is not None and self.address is not None and (screen != self.shown or due):
                self._send(screen)
                last_sent = time.monotonic()
            self._wake.wait(self.retry if self.fault is not None else min(self.keepalive, 1.0))
            self._wake.clear()

    def _send(self, screen: Screen) -> None:
        try:
            self.display.send(bx.encode_dynamic_text(areas(screen, *self.size), self.display.encoding))
        except DeviceError as exc:
            self.shown = None  # whatever the card shows now is unknown: send again once it answers
            code = REFUSED if isinstance(exc, ProtocolError) and "status" in exc.details else UNREACHABLE
            if self.fault != code:
                log.warning("LED card %s: %s (%s)", self.card.name, exc.code, exc.message)
                if self.fault is not None:
                    self.on_health(self.card, self.fault, True)
                self.fault = code
                self.on_health(self.card, code, False)
            return
        self.shown = screen
        if self.fault is not None:
            log.info("LED card %s is back: current screen re-sent", self.card.name)
            self.on_health(self.card, self.fault, True)
            self.fault = None
        self.on_shown(self.card, screen)
