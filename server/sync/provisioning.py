"""Provisioning a real installation's device: register it for a hall (and window, where its kind stands at
one) through `devices.register_device`, and render the ready config file it starts with — the `[kiosk]` file
`python -m kiosk --config FILE` reads, or the `workstation.toml` the desktop client reads from its data dir.
Used by `POST /api/v1/sync/provision` and by `python -m server provision`; both go through `provision`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from drivers.config import DEVICE_CLASSES
from server.sync import devices
from server.sync.errors import SyncError
from shared.config_toml import ScalarValue, render_toml
from shared.crypto.keys import KeyProvider
from shared.crypto.sm2 import Signer
from shared.crypto.ticket_key import derive_ticket_key
from shared.public_url import public_base
from shared.queue.follow import follow_template
from shared.verification import derive_hall_key
from shared.db.models import Device, Hall, Window


@dataclass(frozen=True)
class Kind:
    name: str            # what an admin asks for
    device_kind: str     # the sync device kind (what it may send)
    window: bool         # stands at a window: required; otherwise refused
    file_name: str       # the conventional file name (the client reads exactly workstation.toml)
    description: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("dispenser", "dispenser", False, "dispenser.toml", "取号机"),
    Kind("display", "display", False, "display.toml", "集中显示屏"),
    Kind("evaluator", "evaluator", True, "evaluator.toml", "评价器"),
    Kind("clerk", "workstation", True, "workstation.toml", "窗口受理工作站"),
    Kind("approver", "workstation", False, "workstation.toml", "审批工作站"),
    Kind("controller", "controller", False, "controller.toml", "大厅控制器"),
)}
CARD_PREFIX = "card-"  # a hall controller's LED cards: one section each (kiosk/controller/config.py)



class ProvisionError(SyncError):
    """A request that names something the server does not have, or a combination that cannot work."""


@dataclass(frozen=True)
class Provisioned:
    kind: Kind
    device_id: str
    token: str
    hall_id: int
    hall_code: str
    window_number: int | None
    scopes: list[str]
    config: str          # the file's text (TOML)


# Sections a dispenser's file may hold besides its devices: the provincial identity gateway (粤省事码 / 粤商码,
# kiosk/identity/decoder.py).
DISPENSER_SECTIONS = ("identity_code",)
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SERVER_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f\"\\]+$")


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise ProvisionError(422, "device_kind_unknown", "设备类型不存在（unknown device kind）", kind=name,
                             kinds=sorted(KINDS))
    return kind


def _check_devices(sections: dict[str, dict[str, ScalarValue]], kind: Kind) -> None:
    cards = {n for n in sections if kind.name == "controller" and n.startswith(CARD_PREFIX) and len(n) > 5}
    known = DEVICE_CLASSES + DISPENSER_SECTIONS if kind.name == "dispenser" else DEVICE_CLASSES
    unknown = sorted(set(sections) - set(known) - cards)
    if unknown:
        raise ProvisionError(422, "device_section_unknown", "外设类型不存在（unknown device section）",
                             sections=unknown, known=list(known))
    for name, values in sections.items():
        # keys are written bare into the file: a safe alphabet, or a key could write lines of its own
        bad = sorted(k for k, v in values.items() if not isinstance(v, ScalarValue) or not BARE_KEY.match(k))
        if bad:
            raise ProvisionError(422, "device_option_invalid", "外设参数只能是文字、数字或真假值（scalar values only）",
                                 section=name, keys=bad)


def check_request(session: Session, *, kind: str, hall_code: str, window_number: int | None,
                  server_url: str) -> tuple[Kind, Hall, Window | None]:
    """What provisioning needs to be able to register: a known kind, hall and (for the kinds at a window) an
    active window of that hall, and a server URL the device can use. Raises ProvisionError."""
    if not SERVER_URL.match(server_url):
        raise ProvisionError(422, "server_url_invalid", "服务器地址有误（the server URL reads http(s)://host[:port]…）",
                             server=server_url[:200])
    spec = _kind(kind)
    hall = session.scalars(select(Hall).where(Hall.code == hall_code)).one_or_none()
    if hall is None:
        raise ProvisionError(422, "hall_unknown", "大厅不存在（no hall with this code）", hall=hall_code,
                             halls=list(session.scalars(select(Hall.code).order_by(Hall.code))))
    window = None
    if spec.window and window_number is None:
        raise ProvisionError(422, "window_required", f"{spec.description}须指定窗口（this kind stands at a window）",
                             kind=kind)
    if not spec.window and window_number is not None:
        raise ProvisionError(422, "window_not_applicable", f"{spec.description}不属于某个窗口（no window for this kind）",
                             kind=kind, window=window_number)
    if window_number is not None:
        window = session.scalars(select(Window).where(Window.hall_id == hall.id,
                                                      Window.number == window_number)).one_or_none()
        if window is None or not window.active:
            raise ProvisionError(422, "window_unknown", "该大厅没有这个窗口（no such active window in the hall）",
                                 hall=hall_code, window=window_number)
    return spec, hall, window


def provision(session: Session, *, kind: str, hall_code: str, window_number: int | None, server_url: str,
              name: str = "", keys: KeyProvider | None = None,
              device_sections: dict[str, dict[str, ScalarValue]] | None = None, server_ca: str = "",
              led_port: str = "/dev/ttyUSB0", now: dt.datetime | None = None) -> Provisioned:
    """Register the device and return its config. A dispenser's file gets its hall's ticket key (derived from
    `keys`; shared.crypto.ticket_key) to match appointments and tickets by ID card offline — never the
    blind-index key itself, which stays on the server. A workstation's file gets its own notice signing key
    (SM2, PKCS#8 hex), registered with the device at `now` (server/approval/signing_keys.py): it is as
    private as the token beside it. `device_sections` are written as they are."""
    spec, hall, window = check_request(session, kind=kind, hall_code=hall_code, window_number=window_number,
                                       server_url=server_url)
    sections = device_sections or {}
    _check_devices(sections, spec)
    if spec.name == "controller" and not any(n.startswith(CARD_PREFIX) for n in sections):
        sections = {**sections, **default_cards(session, hall.id, led_port)}
    label = name or f"{hall.name} {spec.description}" + (f"（{window_number}号窗口）" if window_number else "")
    device, token = devices.register_device(session, kind=spec.device_kind, name=label[:100], hall_id=hall.id,
                                            window_id=window.id if window else None)
    text = _config(session, spec, hall, window_number, device.id, token, label, server_url, keys, sections, server_ca,
                   now)
    return Provisioned(spec, device.id, token, hall.id, hall_code, window_number,
                       devices.scopes_for(hall.id, device.window_id), text)


def _config(session: Session, spec: Kind, hall: Hall, window_number: int | None, device_id: str, token: str,
            label: str, server_url: str, keys: KeyProvider | None, sections: dict[str, dict[str, ScalarValue]],
            server_ca: str, now: dt.datetime | None) -> str:
    """The device's config file (TOML): its main section and `sections` (its devices)."""
    ticket_key = derive_ticket_key(keys, hall.id) if keys is not None and spec.name == "dispenser" else None
    main = _main_section(spec, server_url, device_id, token, hall.code, window_number, ticket_key)
    if spec.name == "dispenser":  # the ticket's QR code opens its phone page: under the hall's public URL if set
        main["follow_url"] = follow_template(public_base(hall.public_url) or server_url)
    if keys is not None and spec.device_kind == "workstation":  # signs the QR codes of notices made offline
        main["verify_key"] = derive_hall_key(keys, hall.id).hex()
    if spec.device_kind == "workstation":  # signs the notices it prints and serves
        from server.approval.signing_keys import register_key
        signer = Signer.generate()
        register_key(session, device_id, signer.public_key, now or dt.datetime.now(dt.timezone.utc))
        main["signing_key"] = signer.pkcs8().hex()
    if server_ca:  # where the device finds the hall CA its server's certificate must chain to
        main["server_ca"] = server_ca
    return render_toml({spec.device_kind if spec.device_kind == "workstation" else "kiosk": main, **sections},
                       header=f"GovHall {spec.description} — {label}\n"
                              f"Written by provisioning: it holds this device's token; keep it private.")


def reissue(session: Session, device: Device, token: str, *, server_url: str, keys: KeyProvider | None = None,
            server_ca: str = "", led_port: str = "/dev/ttyUSB0", now: dt.datetime | None = None) -> tuple[str, str]:
    """(file name, text) of the config file of a registered device whose token was just rotated: what
    provisioning wrote, with the new token (a workstation also gets a new signing key, registered with it; its
    earlier keys stay registered so its past notices still verify). The server does not know the device's own
    sections (scanner, printer, keypad…): the installer copies them over from the old file; a controller gets
    the hall's default LED cards as at provisioning."""
    if not SERVER_URL.match(server_url):
        raise ProvisionError(422, "server_url_invalid", "服务器地址有误（the server URL reads http(s)://host[:port]…）",
                             server=server_url[:200])
    hall = session.get(Hall, device.hall_id)
    window = session.get(Window, device.window_id) if device.window_id is not None else None
    if device.kind == "workstation":
        spec = KINDS["clerk" if window is not None else "approver"]
    else:
        spec = KINDS[device.kind]
    sections = default_cards(session, hall.id, led_port) if spec.name == "controller" else {}
    text = _config(session, spec, hall, window.number if window else None, device.id, token, device.name,
                   server_url, keys, sections, server_ca, now)
    return spec.file_name, text


def default_cards(session: Session, hall_id: int, port: str) -> dict[str, dict[str, ScalarValue]]:
    """A hall controller's cards when the admin names none: every active window's screen and the hall strip on
    one RS-485 bus (`port`), each window's card at its window number, the strip at 200. Edit the file to match
    the hall's wiring (another port, `host` + `tcp_port` for a networked card)."""
    numbers = session.scalars(select(Window.number).where(Window.hall_id == hall_id, Window.active.is_(True))
                              .order_by(Window.number))
    cards: dict[str, dict[str, ScalarValue]] = {
        f"{CARD_PREFIX}w{n}": {"role": "window", "window": n, "protocol": "bx", "address": n, "port": port}
        for n in numbers}
    cards[f"{CARD_PREFIX}strip"] = {"role": "strip", "protocol": "bx", "address": 200, "port": port,
                                    "width": 192, "height": 16}
    return cards


def _main_section(spec: Kind, server_url: str, device_id: str, token: str, hall_code: str,
                  window_number: int | None, ticket_key: bytes | None) -> dict[str, ScalarValue]:
    if spec.device_kind == "workstation":  # client/services/workstation.py's keys
        out: dict[str, ScalarValue] = {"server": server_url, "device_id": device_id, "device_token": token}
        if window_number is not None:
            out["window"] = window_number
        return out
    out = {"server": server_url, "device_id": device_id, "token": token, "hall": hall_code}  # kiosk/config.py
    if window_number is not None:
        out["window"] = window_number
    if ticket_key:
        out["ticket_key"] = ticket_key.hex()
    return out
