"""Byte transports over pyserial's `serial_for_url`: device paths (`/dev/ttyUSB0`, pty paths such as
`/dev/pts/7`, `COM3`), `socket://127.0.0.1:N`, `loop://` and `spy://` wire logs.

`SerialLink` turns every transport failure into a typed `DeviceUnavailable` and closes itself, so the next
call reopens the port: a device that disappears gives one clear error and works again once it is back."""

from __future__ import annotations

import threading
import time

import serial

from drivers.core.errors import DeviceUnavailable

try:
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

# `sim://device` URLs: in-process simulators (drivers/sim/protocol_sim.py), imported only when used.
if "drivers.sim" not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append("drivers.sim")

# pyserial lets termios.error (not an OSError) escape from flush/tcdrain on a vanished pty or USB adapter.
_LINK_ERRORS = (serial.SerialException, OSError, *_TERMIOS_ERRORS)


def tcp_url(host: str, port: int) -> str:
    return f"socket://{host}:{port}"


class SerialLink:
    """A reopenable byte link. Thread-safe for one reader and one writer."""

    def __init__(self, url: str, *, baudrate: int = 9600, device: str = "", read_chunk: float = 0.05) -> None:
        self.url = url
        self.baudrate = baudrate
        self.device = device
        self.read_chunk = read_chunk  # poll period: bounds how long a read blocks so callers can stop
        self._port: serial.SerialBase | None = None
        self._lock = threading.RLock()

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        with self._lock:
            if self._port is not None:
                return
            try:
                port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=self.read_chunk,
                                             write_timeout=2.0)
            except (*_LINK_ERRORS, ValueError) as exc:
                raise DeviceUnavailable(f"cannot open {self.url}: {exc}", device=self.device,
                                        url=self.url) from exc
            self._port = port

    def close(self) -> None:
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except _LINK_ERRORS:
                pass  # already gone; closing is best effort

    def write(self, data: bytes) -> None:
        port = self._ensure()
        try:
            port.write(data)
            port.flush()
        except _LINK_ERRORS as exc:
            self._fail(exc)

    def read(self, max_bytes: int = 4096) -> bytes:
        """Whatever arrives within one poll period (possibly b"").
        Raises DeviceUnavailable when the peer is gone."""
        port = self._ensure()
        try:
            first = port.read(1)
            if not first:
                return b""
            waiting = port.in_waiting
            rest = port.read(min(waiting, max_bytes - 1)) if waiting else b""
            return first + rest
        except _LINK_ERRORS as exc:
            self._fail(exc)
        except TypeError as exc:  # pyserial's socket:// can hit a closed socket object during read
            self._fail(exc)
        return b""

    def read_until(self, done, timeout: float) -> None:
        """Feed incoming bytes to `done(chunk) -> bool` until it returns True or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.read()):
                return

    def reset_input(self) -> None:
        port = self._ensure()
        try:
            port.reset_input_buffer()
        except _LINK_ERRORS as exc:
            self._fail(exc)

    def _ensure(self) -> serial.SerialBase:
        if self._port is None:
            self.open()
        assert self._port is not None
        return self._port

    def _fail(self, exc: BaseException) -> None:
        self.close()
        raise DeviceUnavailable(f"{self.url}: {exc}", device=self.device, url=self.url) from exc

    def __enter__(self) -> "SerialLink":
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
