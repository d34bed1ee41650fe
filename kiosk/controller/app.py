"""The hall controller process: its cache and sync loop (like every kiosk), one worker per LED card, and a
follower that re-decides every card's screen whenever a pull brought changes (and once a second, for the day
change and a missed notice). Headless: no Qt, so it runs on the display PC beside the display mode or on any
small box wired to the hall's RS-485 bus.

Offline it keeps showing what the last pull said and keeps every card alive (a card that comes back gets the
current screen); its own faults (an unreachable card) are facts in its outbox, sent when the server is back."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable

from kiosk.controller.cards import CardWorker
from kiosk.controller.config import Card, ControllerConfig
from kiosk.controller.screens import HallRows, Screen, screens
from kiosk.services.reference import BADGE_TABLE
from shared.org_rows import WINDOW_LED_TABLE, led_addresses
from shared.protocol import device_health
from shared.protocol.devices import NOTICE_TABLE
from shared.queue.clock import CHINA_TZ

log = logging.getLogger("govhall.controller")


class HallController:
    def __init__(self, config: ControllerConfig, *, clock: Callable[[], dt.datetime] | None = None,
                 on_shown: Callable[[Card, Screen], None] | None = None, poll_timeout: float = 25.0) -> None:
        from kiosk.app import first_pull, prepare_cache
        from kiosk.services.reference import load_directory
        from shared.sync.client import SyncClient
        from shared.sync.loop import SyncLoop
        from shared.sync.transport import HttpTransport

        k = config.kiosk
        self.config = config
        self.now = clock or (lambda: dt.datetime.now(CHINA_TZ))
        self.engine = prepare_cache(k.cache_path, demo=False)
        self.registered = bool(k.device_id and k.token)
        self.sync = SyncClient(self.engine, device_id=k.device_id or f"unregistered-{uuid.uuid4()}", token=k.token,
                               transport=HttpTransport(k.server),
                               wall_ms=getattr(clock, "wall_ms", None))
        try:
            self.directory = load_directory(self.engine, k.hall or None)
        except LookupError:
            directory = first_pull(self.sync, self.engine, k.hall) if self.registered else None
            if directory is None:
                raise
            self.directory = directory
        self.loop = SyncLoop(self.sync, poll_timeout=poll_timeout)  # long-polls for the hall's events
        self.workers = [CardWorker(card, keepalive=config.keepalive, retry=config.retry, on_health=self._health,
                                   on_shown=on_shown or (lambda card, screen: None)) for card in config.cards]
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="controller-follow", daemon=True)
        self.sync.on_pulled(lambda applied: self._changed.set())

    def start(self) -> None:
        self.decide()  # what the cache already knows: cards light up before the first pull answers
        for worker in self.workers:
            worker.start()
        if self.registered:
            self.loop.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()
        self._thread.join(timeout=5)
        for worker in self.workers:
            worker.stop()
        if self.registered:
            self.loop.stop()

    def decide(self) -> dict[str, Screen]:
        """Every card's screen from the synced rows, handed to its worker (which sends only a change)."""
        self.directory.refresh()
        rows = HallRows(self.sync.rows("queue_window"), self.sync.rows("queue_ticket"),
                        self.sync.rows(BADGE_TABLE), self.sync.rows(NOTICE_TABLE))
        wanted = screens(self.config.cards, rows, self.directory, self.now().astimezone(CHINA_TZ).date())
        addresses = led_addresses(self.sync.rows(WINDOW_LED_TABLE))  # window number → the admin's bus address
        for worker in self.workers:
            if worker.card.window in addresses:
                worker.readdress(addresses[worker.card.window])
            worker.want(wanted[worker.card.name])
        return wanted

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._changed.wait(1.0)
            self._changed.clear()
            if self._stop.is_set():
                return
            try:
                self.decide()
            except Exception:  # a bad row must not stop the screens: log it, keep the last screens
                log.exception("controller: deciding the screens failed")

    def _health(self, card: Card, code: str, recovered: bool) -> None:
        """A card's fault or recovery as a fact (on the card's worker thread; the outbox write is its own)."""
        args = device_health.health_fact(self.sync.device_id, code, self.now(), part=card.name,
                                         recovered=recovered, detail=card.url)
        try:
            self.sync.submit("fact.record", 1, args)
        except Exception:  # the cache is the last thing that may fail; the screens go on
            log.exception("controller: could not record the health of card %s", card.name)


def run(config_path: str, server: str | None, at: str | None, cache: str | None = None) -> int:
    """`python -m kiosk --mode controller --config FILE`: runs until SIGTERM or Ctrl-C."""
    import signal
    import sys

    from drivers.core.errors import ConfigError
    from kiosk.controller.config import load

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not config_path:
        print("kiosk: the controller needs --config (its [kiosk] section and one [card-NAME] per LED card)",
              file=sys.stderr)
        return 2
    try:
        config = load(config_path, server)
    except ConfigError as exc:
        print(f"kiosk: [{exc.code}] {exc.message}", file=sys.stderr)
        return 2
    if cache:
        from pathlib import Path
        config.kiosk.cache = Path(cache)
    clock = None
    if at:
        from shared import simulated_clock
        try:
            clock = simulated_clock.parse(at, CHINA_TZ)
        except ValueError as exc:
            print(f"kiosk: --at: {exc}", file=sys.stderr)
            return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        controller = HallController(config, clock=clock, on_shown=_print_shown)
    except LookupError as exc:
        print(f"kiosk: {exc}; provision this controller (python -m server provision --kind controller) and "
              f"start it while the server is reachable", file=sys.stderr)
        return 2
    controller.start()
    cards = ", ".join(f"{c.name}@{c.url}#{'admin' if c.address is None else c.address}" for c in config.cards)
    print(f"controller running: {len(config.cards)} LED cards ({cards})", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
    return 0


def _print_shown(card: Card, screen: Screen) -> None:
    print(f"{time.strftime('%H:%M:%S')} card {card.name}: {' / '.join(screen.lines)}", flush=True)
