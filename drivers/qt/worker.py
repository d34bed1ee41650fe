"""A device loop in its own QThread. `step()` does one bounded unit of blocking work (a poll of ≤ ~0.2 s);
typed device errors are reported as `sig_error(code, message)` and the loop keeps going after
`retry_delay`, so a device that comes back is picked up again (`sig_recovered`). Never a bare crash.
`sig_ready` fires once per start, after the first step that completed: the device is open and being read (a
serial port empties its input when opened, so a screen must not ask for a scan before this)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from gui.qt import QObject, QThread, Signal

from drivers.core.errors import DeviceError


class _LoopThread(QThread):
    def __init__(self, owner: "DeviceLoop") -> None:
        super().__init__()
        self.owner = owner

    def run(self) -> None:
        owner = self.owner
        failing = False
        ready = False
        while not owner.stop_event.is_set():
            try:
                owner.step()
                if not ready:
                    ready = True
                    owner.sig_ready.emit()
                if failing:
                    failing = False
                    owner.sig_recovered.emit()
            except DeviceError as exc:
                failing = True
                owner.sig_error.emit(exc.code, exc.message)
                owner.stop_event.wait(owner.retry_delay)
            except Exception as exc:  # a bug must not kill the GUI; report it with a stable code
                failing = True
                owner.sig_error.emit("device_internal_error", repr(exc))
                owner.stop_event.wait(owner.retry_delay)
        owner.cleanup()


class DeviceLoop(QObject):
    sig_error = Signal(str, str)  # code, message (the UI maps the code to Chinese text)
    sig_recovered = Signal()
    sig_ready = Signal()  # the first step since start() completed: the device is open
    sig_stopped = Signal()

    def __init__(self, step: Callable[[], None] | None = None, retry_delay: float = 1.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._step = step
        self.retry_delay = retry_delay
        self.stop_event = threading.Event()
        self._thread: _LoopThread | None = None

    def step(self) -> None:
        if self._step is not None:
            self._step()

    def cleanup(self) -> None:
        """Runs on the worker thread when the loop ends (close ports there)."""

    def start(self) -> None:
        if self._thread is not None and self._thread.isRunning():
            return
        self.stop_event.clear()
        self._thread = _LoopThread(self)
        self._thread.finished.connect(self.sig_stopped)
        self._thread.start()

    def stop(self, timeout_ms: int = 3000) -> bool:
        self.stop_event.set()
        if self._thread is None:
            return True
        done = self._thread.wait(timeout_ms)
        return bool(done)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()
