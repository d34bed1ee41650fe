"""`sim://<device>[?option=value]`: an in-process simulator behind pyserial's URL API (like `loop://`, but a
device answers). Usable wherever a port URL is: `[idcard] port = "sim://idcard?card_type=J"` runs a kiosk demo
without ptys or sockets (also on Windows). pyserial finds this module through `protocol_handler_packages`
(registered in drivers/core/transport.py). The device model lives as long as the process, like a real device
across reopen; `model_for(url)` gives it to tests and demos (to present cards, press keys, scan codes)."""

from __future__ import annotations

import threading
import time
import urllib.parse

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

_models: dict[str, object] = {}
_models_lock = threading.Lock()


def _make(device: str, options: dict[str, str]):
    if device == "idcard":
        from drivers.sim.idcard import IdCardScenario, IdCardSimulator, sample_card

        card_type = options.get("card_type", "")
        return IdCardSimulator(sample_card("" if card_type == "resident" else card_type),
                               IdCardScenario(read_delay=float(options.get("read_delay", 0))))
    if device == "keypad":
        from drivers.sim.keypad import KeypadSimulator

        return KeypadSimulator(address=int(options.get("address", 1)), codec=options.get("protocol", "govhall-1"))
    if device == "led":
        from drivers.sim.led import LedSimulator

        return LedSimulator(address=int(options.get("address", 1)), escape=options.get("escape", "1") != "0")
    if device == "printer":
        from drivers.sim.printer import PrinterSimulator

        return PrinterSimulator()
    if device == "scanner":
        from drivers.sim.scanner import ScannerSimulator

        return ScannerSimulator()
    raise SerialException(f"sim:// knows idcard, keypad, led, printer, scanner; not {device!r}")


def model_for(url: str):
    """The device model behind `url` (created on first use)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "sim":
        raise SerialException(f"not a sim:// URL: {url!r}")
    with _models_lock:
        if url not in _models:
            options = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
            _models[url] = _make(parts.netloc, options)
        return _models[url]


class Serial(SerialBase):
    def open(self) -> None:
        if self.is_open:
            raise SerialException("port is already open")
        if self._port is None:
            raise SerialException("port must be configured before it can be used")
        self._buffer = bytearray()
        self._ready = threading.Condition()
        self.model = model_for(self._port)
        if hasattr(self.model, "attach"):
            self.model.attach(self._push)
        self.is_open = True

    def _push(self, data: bytes) -> None:
        with self._ready:
            self._buffer += data
            self._ready.notify_all()

    def _reconfigure_port(self, *args, **kwargs) -> None:
        pass  # nothing to configure in software

    def close(self) -> None:
        self.is_open = False
        super().close()

    @property
    def in_waiting(self) -> int:
        if not self.is_open:
            raise PortNotOpenError()
        return len(self._buffer)

    def read(self, size: int = 1) -> bytes:
        if not self.is_open:
            raise PortNotOpenError()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        with self._ready:
            while len(self._buffer) < size:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._ready.wait(remaining)
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
            return data

    def write(self, data) -> int:
        if not self.is_open:
            raise PortNotOpenError()
        reply = self.model.receive(bytes(data))
        if reply:
            self._push(reply)
        return len(data)

    def reset_input_buffer(self) -> None:
        with self._ready:
            self._buffer.clear()

    def reset_output_buffer(self) -> None:
        pass

    def flush(self) -> None:
        pass
