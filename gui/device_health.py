"""A kiosk's or a workstation's device health as facts: each device loop's error opens a fault of its part
(once per code) and its recovery closes them; the dispenser's failed prints and good prints do the same for
the printer. The facts go through the outbox (written on the Ops writer, never the GUI thread), so the
supervisor sees them once the device syncs — at once online, after reconnecting when offline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gui.ops import Ops
from gui.qt import QObject, Slot
from shared.protocol import device_health


class _Part(QObject):
    """Receives one device loop's signals on the GUI thread (a QObject slot: the connection is queued; a bare
    lambda would run on the device's own thread)."""

    def __init__(self, reporter: HealthReporter, part: str) -> None:
        super().__init__()
        self.reporter, self.part = reporter, part

    @Slot(str, str)
    def on_error(self, code: str, message: str) -> None:
        self.reporter.fault(self.part, code)

    @Slot()
    def on_recovered(self) -> None:
        self.reporter.recovered(self.part)


class HealthReporter:
    def __init__(self, sync, ops: Ops, now: Callable[[], dt.datetime]) -> None:  # noqa: ANN001
        self.sync, self.ops, self.now = sync, ops, now
        self.open: set[tuple[str, str]] = set()  # (part, code) reported and not yet over
        self._parts: list[_Part] = []

    def watch(self, loop, part: str) -> None:  # noqa: ANN001  a drivers.qt DeviceLoop
        receiver = _Part(self, part)
        self._parts.append(receiver)
        loop.sig_error.connect(receiver.on_error)
        loop.sig_recovered.connect(receiver.on_recovered)

    def fault(self, part: str, code: str) -> None:
        if (part, code) in self.open:
            return
        self.open.add((part, code))
        self._record(device_health.health_fact(self.sync.device_id, code, self.now(), part=part))

    def recovered(self, part: str) -> None:
        over = sorted(code for p, code in self.open if p == part)
        for code in over:
            self.open.discard((part, code))
            self._record(device_health.health_fact(self.sync.device_id, code, self.now(), part=part,
                                                   recovered=True))

    def _record(self, args: dict) -> None:
        self.ops.write(lambda: self.sync.submit("fact.record", 1, args))
