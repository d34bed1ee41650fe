"""Device health as facts: every device reports a fault and its recovery with `fact.record` (kinds below), the
server folds them into one current-health row per device (`device_health`, published to the hall) and the
supervisor's client and the admin's device list read that row. One shape for every writer and reader.

A fault names the device (its sync id), the part of it that failed (`printer`, `idcard`, an LED card's name,
"" for the device itself), a code (`paper_out`, `led_unreachable`, …) and when it was noticed."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Mapping

FAULT = "device_fault"
RECOVERED = "device_recovered"
HEALTH_KINDS = frozenset({FAULT, RECOVERED})
TABLE = "device_health"  # published row, pk = device id

# Codes a device may report (the UI names each; an unknown code is still shown, by its code).
CODES = ("printer_paper_out", "printer_cover_open", "printer_offline", "printer_error", "printer_print_incomplete",
         "no_printer", "idcard_unplugged", "scanner_gone", "keypad_gone", "led_unreachable", "led_refused")


def health_fact(device_id: str, code: str, at: dt.datetime, *, part: str = "", recovered: bool = False,
                detail: str = "") -> dict:
    """The `fact.record` args of one fault or recovery."""
    body = {"device": device_id, "part": part, "code": code, "at": at.isoformat()}
    if detail:
        body["detail"] = detail[:200]
    return {"fact_id": str(uuid.uuid4()), "kind": RECOVERED if recovered else FAULT, "body": body}


def apply(faults: Iterable[Mapping], kind: str, body: Mapping) -> list[dict]:
    """The device's open faults after one fact (facts of one device arrive in its command order): a fault
    opens (part, code) once, keeping when it began; a recovery closes it; a recovery with code "" closes every
    fault of that part."""
    part, code = str(body.get("part", "")), str(body.get("code", ""))
    current = [dict(f) for f in faults]
    if kind == FAULT:
        if not any(f["part"] == part and f["code"] == code for f in current):
            current.append({"part": part, "code": code, "since": str(body.get("at", "")),
                            "detail": str(body.get("detail", ""))})
        return current
    return [f for f in current if not (f["part"] == part and (not code or f["code"] == code))]


def health_row(*, device_id: str, hall_id: int, kind: str, name: str, window_id: int | None,
               faults: list[dict], updated_at: str) -> dict:
    return {"device_id": device_id, "hall_id": hall_id, "kind": kind, "name": name, "window_id": window_id,
            "faults": faults, "updated_at": updated_at}


# Sent by every device with each pull, so the device list shows what runs where and what waits to be sent.
APP_VERSION_HEADER = "X-App-Version"
OUTBOX_HEADER = "X-Outbox-Pending"


@functools.cache
def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("govhall")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "dev"


def about_me(outbox_pending: int) -> dict[str, str]:
    return {APP_VERSION_HEADER: app_version(), OUTBOX_HEADER: str(outbox_pending)}
