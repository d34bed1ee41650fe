"""Printer transports via python-escpos (`Serial`, `Usb`, `Network`, `File`, `Dummy`), chosen by config.

We only use their byte pipes (`_raw`, `_read`); text is encoded by us. `PrinterPort` maps every transport
failure to typed errors and reopens on the next call, so a printer switched off and on again works again."""

from __future__ import annotations

import socket
from collections.abc import Callable

from drivers.config import DeviceSettings
from drivers.core.errors import ConfigError, DeviceTimeout, DeviceUnavailable

TRANSPORTS = ("serial", "usb", "network", "file", "dummy")


def _int(value, default: int) -> int:
    if value in (None, ""):
        return default
    return int(value, 0) if isinstance(value, str) else int(value)


def escpos_factory(settings: DeviceSettings) -> tuple[Callable[[], object], bool]:
    """(factory of an unopened python-escpos printer, whether it can answer status queries)."""
    from escpos import printer as p  # imported late: python-escpos loads its capability data on import

    kind = str(settings.get("transport", "network")).lower()
    timeout = settings.timeout
    try:
        if kind == "network":
            host = settings.get("host", "127.0.0.1")
            port = _int(settings.get("tcp_port", settings.port), 9100)
            return (lambda: p.Network(host, port, timeout=timeout)), True
        if kind == "serial":
            return (lambda: p.Serial(settings.port, baudrate=settings.baudrate, timeout=timeout,
                                     dsrdtr=False)), True
        if kind == "usb":
            vid, pid = _int(settings.get("vid"), 0), _int(settings.get("pid"), 0)
            in_ep, out_ep = _int(settings.get("in_ep"), 0x82), _int(settings.get("out_ep"), 0x01)
            return (lambda: p.Usb(vid, pid, timeout=int(timeout * 1000), in_ep=in_ep, out_ep=out_ep)), True
        if kind == "file":
            path = settings.get("path", settings.port)
            return (lambda: p.File(path)), False
        if kind == "dummy":
            return (lambda: p.Dummy()), False
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[printer] bad {kind} settings: {exc}", device="printer") from exc
    raise ConfigError(f"[printer] transport must be one of {TRANSPORTS}, got {kind!r}", device="printer")


class PrinterPort:
    def __init__(self, factory: Callable[[], object], can_read: bool, name: str = "printer") -> None:
        self.factory = factory
        self.can_read = can_read
        self.name = name
        self.printer = None

    @classmethod
    def from_settings(cls, settings: DeviceSettings) -> "PrinterPort":
        factory, can_read = escpos_factory(settings)
        return cls(factory, can_read, settings.get("transport", "network"))

    def open(self) -> None:
        if self.printer is not None:
            return
        printer = self.factory()
        try:
            if hasattr(printer, "open"):
                printer.open()
        except Exception as exc:  # python-escpos raises its own DeviceNotFoundError, USBNotFoundError...
            raise DeviceUnavailable(f"cannot open {self.name} printer: {exc}", device="printer") from exc
        self.printer = printer

    def close(self) -> None:
        printer, self.printer = self.printer, None
        if printer is not None:
            try:
                printer.close()
            except Exception:  # the device is gone (flush fails): close the handle without flushing
                device = getattr(printer, "_device", None)
                try:
                    if device:
                        device.close()
                except Exception:
                    pass
                printer._device = False  # or python-escpos retries (and fails) again in __del__

    def send(self, data: bytes) -> None:
        self.open()
        try:
            self.printer._raw(data)
        except (OSError, AssertionError) as exc:
            self._fail(exc)
        except Exception as exc:  # pyserial / pyusb errors
            self._fail(exc)

    def read(self) -> bytes:
        """Up to 16 bytes; b"" means nothing arrived within the transport timeout."""
        self.open()
        try:
            device = getattr(self.printer, "device", None)
            if hasattr(device, "in_waiting"):  # pyserial: do not wait for 16 bytes when 1 is the answer
                first = device.read(1)
                data = first + (device.read(device.in_waiting) if first and device.in_waiting else b"")
            else:
                data = self.printer._read()
        except (socket.timeout, TimeoutError):
            raise DeviceTimeout("printer did not answer the status query", device="printer") from None
        except Exception as exc:
            self._fail(exc)
        if not data and self.name == "network":
            self._fail(ConnectionResetError("printer closed the connection"))
        return bytes(data or b"")

    def output(self) -> bytes:
        """Bytes collected by the dummy transport (tests and previews)."""
        return bytes(getattr(self.printer, "output", b""))

    def _fail(self, exc: BaseException) -> None:
        self.close()
        raise DeviceUnavailable(f"{self.name} printer: {exc}", device="printer") from exc
