"""Typed device errors. Every error carries a stable `code` the UI maps to a Chinese message; drivers never
let a raw OSError, SerialException or struct.error escape to their callers."""

from __future__ import annotations

from typing import Any

from shared.errors import DomainError


class DeviceError(DomainError):
    """Base class for everything a device or its wire can go wrong with. `device` names the device class."""

    code = "device_error"

    def __init__(self, message: str, *, code: str | None = None, device: str = "", **details: Any) -> None:
        super().__init__(message, code=code, **({"device": device} if device else {}), **details)
        self.device = device


class DeviceUnavailable(DeviceError):
    """The port cannot be opened, was closed, or the TCP peer reset the connection."""

    code = "device_unavailable"


class DeviceTimeout(DeviceError):
    """The device did not answer in time (after the driver's retries)."""

    code = "device_timeout"


class FrameError(DeviceError):
    """A frame was malformed: bad length, truncated, unexpected field value."""

    code = "frame_error"


class ChecksumError(FrameError):
    """A frame arrived whole but its checksum/CRC did not match."""

    code = "checksum_error"


class ProtocolError(DeviceError):
    """The device answered something the protocol does not allow at this point."""

    code = "protocol_error"


class ConfigError(DeviceError):
    """Device settings are missing or invalid."""

    code = "device_config_error"


class CardNotPresent(DeviceError):
    """No card on the reader (or the card was removed mid-operation)."""

    code = "card_not_present"


class CardError(DeviceError):
    """The card is present but could not be selected, authenticated or read."""

    code = "card_error"


class PrinterError(DeviceError):
    code = "printer_error"


class PaperOut(PrinterError):
    code = "printer_paper_out"


class CoverOpen(PrinterError):
    code = "printer_cover_open"


class PrinterOffline(PrinterError):
    code = "printer_offline"


class PrintIncomplete(PrinterError):
    """The job was sent but the printer reported a fault afterwards: the ticket must be reprinted."""

    code = "printer_print_incomplete"
