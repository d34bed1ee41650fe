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
    sig_written = Signal()  # a local write finished: status displays (pending commands) refresh

    @Slot(object, object)
    def _deliver(self, callback, result):  # noqa: ANN001
        if callback is not None:
            _call(callback, result)

    @Slot(object, object, str)
    def _deliver_error(self, callback, error, text):  # noqa: ANN001
        if callback is not None:
            _call(callback, error)


def _call(callback, value) -> None:  # noqa: ANN001
    """A result can arrive after the screen that asked for it was closed: then there is nobody to show it to."""
    try:
        callback(value)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise


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
        self._relay = _Relay()
        self._relay.sig_done.connect(self._relay._deliver)
        self._relay.sig_failed.connect(self._relay._deliver_error)
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
            self._relay.sig_written.emit()
            if on_done is not None:
                on_done(result)
        self._writer.start(_Task(self._relay, fn, done, on_error))

    def latest(self) -> Latest:
        """A runner for one question a screen keeps re-asking: only the newest answer is delivered."""
        return Latest(self)

    @property
    def sig_written(self):  # noqa: ANN201
        return self._relay.sig_written

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
