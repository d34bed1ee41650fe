"""Organisation settings the admin keeps beside the synced organisation tables, published to a hall's devices as
rows of their own (like the hall's queue rules): each window's LED address — the hall controller's bus address
of the window's LED card — and each staff member's usual window, which the clerk's workstation proposes at
login. Devices read them from their synced rows; nobody edits a config file for them.

Which device kinds receive them: server.sync.visibility (the controller the LED addresses, workstations both)."""

from __future__ import annotations

WINDOW_LED_TABLE = "window_led"          # pk: window id → {window_id, number, led_address}
USUAL_WINDOW_TABLE = "staff_usual_window"  # pk: user id → {user_id, username, window_id, window_number}
LED_ADDRESS_MAX = 0xFFFE  # a BX card's bus address (drivers/display/bx.py)


class LedAddressInvalid(ValueError):
    code = "led_address_invalid"


def led_bus_address(text: str) -> int:
    """The card address an admin typed (decimal, 0…65534), as the controller sends it on the bus."""
    value = text.strip()
    if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= LED_ADDRESS_MAX:
        raise LedAddressInvalid(f"LED address {text!r} is not a bus address 0…{LED_ADDRESS_MAX}")
    return int(value)


def window_led_row(window_id: int, number: int, led_address: str) -> dict:
    return {"window_id": window_id, "number": number, "led_address": led_address}


def usual_window_row(user_id: int, username: str, window_id: int, window_number: int) -> dict:
    return {"user_id": user_id, "username": username, "window_id": window_id, "window_number": window_number}


def led_addresses(rows: dict[str, dict]) -> dict[int, int]:
    """Window number → bus address, from the synced WINDOW_LED_TABLE rows; an address that is not a bus
    address (an older free-text entry) is left out rather than sent to the wrong card."""
    out = {}
    for row in rows.values():
        try:
            out[int(row["number"])] = led_bus_address(str(row["led_address"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def usual_window_number(rows: dict[str, dict], username: str) -> int | None:
    """The window number the admin set as this staff member's usual window, from the synced rows."""
    return next((int(r["window_number"]) for r in rows.values() if r.get("username") == username), None)
