"""First start of a new kiosk (扫码登记): `python -m kiosk --mode MODE --config FILE --enrol`. The file names
only the devices (its scanner or camera among them) and no credentials yet; the kiosk shows its registration
screen (kiosk/screens/enrol_screen.py), which waits for the admin's registration QR code, redeems the one-time
code at the server the code names (`redeem`), and writes its `[kiosk]` section (device id, token, hall, …) into
the file (`merged`), keeping the device sections. Then it starts as usual. The rules are shared.enrolment's."""

from __future__ import annotations

from pathlib import Path

from drivers.config import load_config
from shared.enrolment import EnrolFailed, Post, merged as merged_config, redeem as redeem_for

HEADER = ("GovHall kiosk — registered by scanning the admin's code.\n"
          "It holds this device's token; keep it private.")
__all__ = ["EnrolFailed", "merged", "needs_enrolment", "redeem"]


def needs_enrolment(path: Path) -> bool:
    """No [kiosk] credentials in the file yet."""
    if not path.exists():
        return True
    kiosk = load_config(path).get("kiosk")
    return kiosk is None or not (kiosk.options.get("device_id") and kiosk.options.get("token"))


def redeem(payload: str, mode: str, post: Post | None = None) -> str:
    """The scanned registration QR redeemed at its server for this kiosk's mode (shared/enrolment.py)."""
    return redeem_for(payload, (mode,), post)


def merged(path: Path, config_text: str) -> str:
    """The server's config (its [kiosk] section first) with the file's own sections kept: a key the file set
    in [kiosk] (e.g. admin_pin, cache) stays unless the server's config sets it."""
    return merged_config(path, config_text, "kiosk", HEADER)
