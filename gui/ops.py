"""Background operations: run a function off the GUI thread and deliver its result (or error) on the GUI
thread. Local-database writes go through a pool with ONE worker, so they never race each other; network and
device work uses a wider pool. Usage:

    ops.run(fetch_cases, on_done=self.show_cases, on_error=self.show_error)
    ops.write(lambda: store.accept(case_id, ...), on_done=...)

A screen that can ask again before the answer arrives (another period, another filter) asks through
`ops.latest()`, so an older answer that arrives late never overwrites a newer one.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from gui.qt import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from a worker are queued to it."""
    sig_done = Signal(object, object)  # (callback, result)
    sig_failed = Signal(object, object, str)  # (callback, exception, traceback text)

    @Slot(object, object)
    def _deliver(self, callback, result):  # noqa: ANN001
        if callback is not None:
            _call(callback, result)

    @Slot(object, object, str)
    def _deliver_error(self, callback, error, text):  # noqa: ANN001
        if callback is not None:
            _call(callback, error)


_RELAY: _Relay | None = None


def _relay() -> _Relay:
    """One relay for the whole process, made on the GUI thread and never deleted. A relay owned by each Ops died
    with its screen, and the last reference could be dropped by a worker finishing after the screen closed: the
    QObject was then destroyed on the worker thread while the GUI thread was delivering its queued results,
    which Qt forbids and which crashed the process now and then."""
    global _RELAY
    if _RELAY is None:
        _RELAY = _Relay()
        _RELAY.sig_done.connect(_RELAY._deliver)
        _RELAY.sig_failed.connect(_RELAY._deliver_error)
    return _RELAY


class _Written(QObject):
    sig_written = Signal()  # a local write finished: status displays (pending commands) refresh


def _call(callback, value) -> None:  # noqa: ANN001
    """A result can arrive after the screen that asked for it was closed: then there is nobody to show it to."""
    try:
        callback(value)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise


def on_gui_thread(fn: Callable[[], Any]) -> Callable[..., None]:
    """A trigger any thread may call (a sync listener, say): `fn` then runs on the GUI thread, and not at all
    once its screen is deleted. Make it on the GUI thread. It posts through the process's relay, which is never
    deleted, so a screen closed while the sync thread fires cannot take the process down with it."""
    relay = _relay()

    def trigger(*_args: Any) -> None:
        relay.sig_done.emit(lambda _value: fn(), None)
    return trigger


class _Task(QRunnable):
    def __init__(self, relay: _Relay, fn: Callable[[], Any], on_done, on_error) -> None:  # noqa: ANN001
        super().__init__()
        self.relay, self.fn, self.on_done, self.on_error = relay, fn, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the caller's on_error on the GUI thread
            self.relay.sig_failed.emit(self.on_error, exc, traceback.format_exc())
        else:
            self.relay.sig_done.emit(self.on_done, result)


class Ops:
    """Create one on the GUI thread (after QApplication) and share it."""

    def __init__(self, io_threads: int = 4) -> None:
        self._relay = _relay()
        self._written = _Written()  # emitted on the GUI thread only (from the delivered `done` below)
        self._io = QThreadPool()
        self._io.setMaxThreadCount(io_threads)
        self._writer = QThreadPool()
        self._writer.setMaxThreadCount(1)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> None:
        """Reads, network and device calls."""
        self._io.start(_Task(self._relay, fn, on_done, on_error))

    def write(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[Exception], None] | None = None) -> None:
        """Local-database writes: one at a time, in submission order."""
        def done(result: Any) -> None:
            self._written.sig_written.emit()
            if on_done is not None:
                on_done(result)
        self._writer.start(_Task(self._relay, fn, done, on_error))

    def latest(self) -> Latest:
        """A runner for one question a screen keeps re-asking: only the newest answer is delivered."""
        return Latest(self)

    @property
    def sig_written(self):  # noqa: ANN201
        return self._written.sig_written

    def wait(self, msecs: int = 5000) -> bool:
        """For shutdown and tests: wait until both pools are idle."""
        return self._io.waitForDone(msecs) and self._writer.waitForDone(msecs)


class Latest:
    """The pool answers in whatever order its workers finish, so a slow answer to an earlier question can land
    after a quick answer to the later one. Each call here supersedes the previous ones: their results and errors
    are dropped on arrival."""

    def __init__(self, ops: Ops) -> None:
        self._ops = ops
        self._asked = 0

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> None:
        self._asked += 1
        asked = self._asked

        def current(callback):  # noqa: ANN001, ANN202
            if callback is None:
                return None
            return lambda value: callback(value) if asked == self._asked else None
        self._ops.run(fn, current(on_done), current(on_error))
