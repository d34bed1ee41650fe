"""Registering a device by scanning a QR code (扫码登记): the admin's device page asks the server for a one-time
registration code and shows it as a QR code with the server's address and the hall; the new device reads it
(scanner or camera) at first start and redeems the code for its own config. The QR never carries a token or
a key: the code is good once, for a short time, for the one kind (and window) the admin chose.

    GOVHALL-REG:{"v":1,"server":"https://hall.example.cn","hall":"DG-HALL-1","kind":"dispenser","code":"…"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pydantic import Field

from shared.errors import DomainError
from shared.protocol.base import Request, Response

PREFIX = "GOVHALL-REG:"
VERSION = 1
CODE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SERVER = re.compile(r"^https?://[^\s\x00-\x1f\x7f\"\\]+$")
CODES_PATH = "/api/v1/sync/registration-codes"
REGISTER_PATH = "/api/v1/sync/register"


class RegistrationQrInvalid(DomainError):
    code = "registration_qr_invalid"


@dataclass(frozen=True)
class RegistrationQr:
    server: str
    hall: str
    kind: str
    code: str

    def text(self) -> str:
        body = {"v": VERSION, "server": self.server, "hall": self.hall, "kind": self.kind, "code": self.code}
        return PREFIX + json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def is_registration(payload: str) -> bool:
    return payload.strip().startswith(PREFIX)


def parse(payload: str) -> RegistrationQr:
    """The scanned text as a registration QR, or RegistrationQrInvalid saying what is wrong with it."""
    text = payload.strip()
    if not text.startswith(PREFIX):
        raise RegistrationQrInvalid("not a GovHall registration code", reason="not_registration")
    try:
        body = json.loads(text[len(PREFIX):])
    except ValueError:
        raise RegistrationQrInvalid("the registration code is damaged (not JSON)", reason="damaged") from None
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise RegistrationQrInvalid("the registration code is of an unknown version", reason="version")
    fields = {k: body.get(k) for k in ("server", "hall", "kind", "code")}
    if not all(isinstance(v, str) and v for v in fields.values()):
        raise RegistrationQrInvalid("the registration code lacks a field", reason="incomplete")
    if not SERVER.match(fields["server"]) or not CODE.match(fields["code"]) or len(fields["hall"]) > 32:
        raise RegistrationQrInvalid("the registration code is damaged", reason="damaged")
    return RegistrationQr(fields["server"].rstrip("/"), fields["hall"], fields["kind"], fields["code"])


class RegistrationCodeRequest(Request):
    """A one-time code for one device of this kind (and window), reached at `server`."""
    kind: str = Field(min_length=1, max_length=20)
    hall: str = Field(min_length=1, max_length=32)
    window: int | None = Field(default=None, ge=1)
    server: str = Field(min_length=1, max_length=200)
    name: str = Field(default="", max_length=100)
    valid_minutes: int = Field(default=30, ge=1, le=24 * 60)


class RegistrationCodeOut(Response):
    qr_text: str      # what the QR code shows: the server, the hall and the one-time code, no secret that lasts
    expires_at: str


class RegisterRequest(Request):
    """A device redeeming the code it scanned; `kind` is what the device program runs as."""
    code: str = Field(min_length=20, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: str = Field(min_length=1, max_length=20)
