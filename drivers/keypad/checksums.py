"""The checksum kinds a keypad frame description may name. Each returns the checksum bytes as sent."""

from __future__ import annotations

from collections.abc import Callable

from drivers.core.framing import crc16_reflected, sum_checksum, xor_checksum


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS: poly 0x8005 reflected (0xA001), init 0xFFFF; sent low byte first."""
    return crc16_reflected(data, 0xFFFF)


# kind → (size in bytes, function of the covered bytes → checksum bytes)
CHECKSUMS: dict[str, tuple[int, Callable[[bytes], bytes]]] = {
    "sum8": (1, lambda d: bytes((sum_checksum(d),))),
    "xor8": (1, lambda d: bytes((xor_checksum(d),))),
    "crc16-modbus": (2, lambda d: crc16_modbus(d).to_bytes(2, "little")),
    "none": (0, lambda d: b""),
}
