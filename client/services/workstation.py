"""This workstation's settings: server, counter window, sync device credentials and devices, from
`<data dir>/workstation.toml` (device sections in drivers/config.py's format). Example::

    [workstation]
    server = "http://10.0.0.5:8765"
    window = 3                  # the counter this PC sits at (clerks)
    device_id = "…"             # issued when an admin registered this workstation
    device_token = "…"
    verify_key = "…hex…"        # the hall's key that signs the QR codes of notices made here (shared/verification.py)
    signing_key = "…hex…"       # this workstation's SM2 key for notices, registered with the device
    large_type = false          # 大字体 by default (the person at the desk may still switch it)
    [idcard]
    port = "/dev/ttyUSB0"
    [keypad]
    port = "/dev/ttyUSB1"
    protocol = "wireless-15key" # govhall-1 (default), a shipped description, a .toml path, or "learned"
    [printer]
    transport = "network"
    host = "192.168.1.50"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from drivers.config import DeviceSettings, load_config
from shared.crypto.sm2 import SignatureError, Signer
from shared.enrolment import Post, merged, redeem, write_private
from shared.protocol.endpoint import DEFAULT_SERVER_URL as DEFAULT_SERVER
FILE_NAME = "workstation.toml"
LEARNED_KEYPAD = "keypad-learned.toml"  # client.dialogs.keypad_learning writes it
CLIENT_KINDS = ("clerk", "approver")  # provisioning's kinds (server/sync/provisioning.py) that run the client
HEADER = ("GovHall workstation — registered by scanning the admin's code.\n"
          "It holds this PC's token; keep it private.")


@dataclass(frozen=True)
class Workstation:
    data_dir: Path
    server_url: str = DEFAULT_SERVER
    server_ca: Path | None = None  # the hall CA the server's TLS certificate must chain to
    window_number: int | None = None
    device_id: str | None = None
    device_token: str | None = None
    verify_key: bytes | None = None  # signs notice QR codes offline; None in configs written before it existed
    # the notice signing key (SM2, PKCS#8 DER) provisioning registered with this device; None in older configs,
    # whose key is made in the data folder and bound to the device at its first 送达
    signing_key: bytes | None = None
    devices: dict[str, DeviceSettings] = field(default_factory=dict)
    large_type: bool = False

    @property
    def cache_path(self) -> Path:
        return self.data_dir / "cache.sqlite3"

    @property
    def registered(self) -> bool:
        return bool(self.device_id and self.device_token)


def load_workstation(data_dir: Path, server_url: str | None = None) -> Workstation:
    path = data_dir / FILE_NAME
    section: dict = {}
    devices: dict[str, DeviceSettings] = {}
    if path.exists():
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("workstation", {})
        devices = {k: v for k, v in load_config(path).items() if k != "workstation"}
        keypad = devices.get("keypad")
        if keypad is not None and keypad.get("protocol") == "learned":  # what learning mode saved here
            devices["keypad"] = replace(keypad, options={**keypad.options,
                                                         "protocol": str(data_dir / LEARNED_KEYPAD)})
    window = section.get("window")
    large_type = section.get("large_type", False)
    if not isinstance(large_type, bool):
        raise ValueError(f"{path}: [workstation] large_type must be true or false, found {large_type!r}")
    ca = section.get("server_ca")
    try:
        verify_key = bytes.fromhex(str(section.get("verify_key", ""))) or None
    except ValueError:
        raise ValueError(f"{path}: [workstation] verify_key must be hex, as provisioning writes it") from None
    try:
        signing_key = bytes.fromhex(str(section.get("signing_key", ""))) or None
        if signing_key is not None:
            Signer.from_pkcs8(signing_key)
    except (ValueError, SignatureError):
        raise ValueError(f"{path}: [workstation] signing_key must be the hex SM2 key provisioning wrote") from None
    return Workstation(data_dir=data_dir, server_url=server_url or section.get("server", DEFAULT_SERVER),
                       server_ca=Path(ca).expanduser() if ca else None,
                       window_number=int(window) if window else None, device_id=section.get("device_id"),
                       device_token=section.get("device_token"), verify_key=verify_key,
                       signing_key=signing_key, devices=devices,
                       large_type=large_type)


def register_by_code(data_dir: Path, payload: str, server_url: str | None = None, post: Post | None = None
                     ) -> Workstation:
    """First start (扫码登记本机): the scanned or pasted registration code redeemed at the server it names
    (shared/enrolment.py, as a kiosk does), the answer written into workstation.toml (owner-only, atomically;
    the file's device sections kept) and the workstation read back. Network and disk: not on the GUI thread.
    Raises shared.enrolment.EnrolFailed."""
    text = redeem(payload, CLIENT_KINDS, post)
    path = data_dir / FILE_NAME
    write_private(path, merged(path, text, "workstation", HEADER))
    return load_workstation(data_dir, server_url)
