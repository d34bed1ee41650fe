"""Strictly ordered announcement queue: one announcement at a time, in the order requested. A new call never
cuts off the one being spoken; a repeat is queued like any other announcement."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from drivers.tts.engines import Engine
from drivers.tts.errors import TtsError
from drivers.tts.playlist import build_call_playlist


@dataclass(frozen=True)
class Announcement:
    id: int
    ticket: str
    window: str
    repeat: bool = False


class AnnouncementQueue:
    def __init__(self, engine: Engine, on_started: Callable[[Announcement], None] | None = None,
                 on_finished: Callable[[Announcement], None] | None = None,
                 on_error: Callable[[Announcement, TtsError], None] | None = None) -> None:
        self.engine = engine
        self.on_started = on_started or (lambda a: None)
        self.on_finished = on_finished or (lambda a: None)
        self.on_error = on_error or (lambda a, e: None)
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._history: dict[int, Announcement] = {}
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="announcements", daemon=True)
        self._thread.start()

    def announce(self, ticket: str, window: str | int) -> Announcement:
        build_call_playlist(ticket, window)  # validate now: bad input fails the caller, not the worker
        return self._put(Announcement(next(self._ids), ticket, str(window)))

    def repeat(self, announcement_id: int | None = None) -> Announcement:
        """Queue the given (default: latest) call again, after whatever is already waiting."""
        with self._lock:
            if not self._history:
                raise TtsError("nothing to repeat", device="tts", code="tts_nothing_to_repeat")
            original = self._history[announcement_id if announcement_id is not None else max(self._history)]
        return self._put(Announcement(next(self._ids), original.ticket, original.window, repeat=True))

    def wait_idle(self, timeout: float) -> bool:
        return self._idle.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _put(self, item: Announcement) -> Announcement:
        with self._lock:
            self._history[item.id] = item
            self._pending += 1
            self._idle.clear()
        self._queue.put(item)
        return item

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            self.on_started(item)
            try:
                self.engine.speak(build_call_playlist(item.ticket, item.window, repeat=item.repeat))
                self.on_finished(item)
            except TtsError as exc:
                self.on_error(item, exc)
            finally:
                with self._lock:
                    self._pending -= 1
                    if not self._pending:
                        self._idle.set()
