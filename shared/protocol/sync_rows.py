"""The rows of the generic sync tables (`issued_number`), written the same way by the server when it
publishes and by a device for its optimistic row: one codec. A device leaves `hall_id` and `hlc` None (it
does not know its hall's id, and its command's clock stamp is taken as the command is queued); the pulled
row fills them in."""

from __future__ import annotations


def number_row(*, number_id: str, hall_id: int | None, series: str, prefix: str, day: str, number: int | None,
               display: str, block_id: int | None, device_id: str, ref: str, hlc: str | None) -> dict:
    """An `issued_number` row; `number` None is a device-suffixed fallback number."""
    return {"id": number_id, "hall_id": hall_id, "series": series, "prefix": prefix, "day": day, "number": number,
            "display": display, "block_id": block_id, "device_id": device_id, "fallback": number is None,
            "ref": ref, "hlc": hlc}
