"""`IdentityCodeDecoder.decode(code)`: whom a 粤省事码 / 粤商码 names, asked of the provincial gateway over HTTP
with signed requests (signing.py). Every failure is an IdentityCodeError with its own code, so the screen
says what happened and the citizen can still take a ticket by tap or ID card:

| code | when |
| --- | --- |
| identity_code_expired | the gateway says the code has expired (refresh it on the phone) |
| identity_code_invalid | the gateway does not know the code (forged, or of another kind) |
| identity_gateway_offline | no answer within the timeout, no connection, or the gateway is down (5xx) |
| identity_gateway_refused | the gateway refused this kiosk (app id, signature, clock) — a configuration matter |
| identity_gateway_answer_invalid | an answer we cannot read, or naming an invalid ID number / USCC |
| identity_gateway_answer_forged | an answer (refusals too) not signed by the gateway's key: never trusted |
| identity_gateway_unconfigured | the dispenser has no [identity_code] section |

Configuration, a section of the kiosk's config file (see README "Kiosk"):

    [identity_code]
    gateway = "https://gateway.example.gov.cn/"   # the provincial gateway's base address
    app_id = "…"                                   # this hall's application id there
    app_key = "…hex…"                              # its signing key (HMAC-SM3)
    gateway_public_key = "…hex…"                   # the gateway's SM2 public key its answers are checked with
    timeout = 3                                    # seconds; a citizen is waiting
    ca_file = "/etc/govhall/gateway-ca.pem"        # optional: the CA its TLS certificate chains to
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import requests

from drivers.config import DeviceSettings
from kiosk.identity import signing
from kiosk.identity.codes import BUSINESS, PERSON, IdentityCode
from shared.errors import DomainError
from shared.validation import InvalidIdentifier, check_resident_id, check_uscc

PATH = "/api/identity/v1/decode"
SECTION = "identity_code"
log = logging.getLogger("govhall.kiosk.identity")


@dataclass(frozen=True)
class PersonIdentity:
    id_number: str
    name: str = ""


@dataclass(frozen=True)
class BusinessIdentity:
    uscc: str
    name: str = ""


Identity = PersonIdentity | BusinessIdentity


class IdentityCodeError(DomainError):
    code = "identity_code_invalid"


class IdentityCodeDecoder(Protocol):
    def decode(self, code: IdentityCode) -> Identity: ...


class Unconfigured:
    """The decoder of a dispenser without an [identity_code] section: every code is refused, in plain words."""

    def decode(self, code: IdentityCode) -> Identity:
        raise IdentityCodeError("no provincial gateway configured", code="identity_gateway_unconfigured")


# The gateway's error names → our codes.
GATEWAY_ERRORS = {"code_expired": "identity_code_expired", "code_invalid": "identity_code_invalid",
                  "code_unknown": "identity_code_invalid", "kind_mismatch": "identity_code_invalid"}


class GatewayDecoder:
    def __init__(self, gateway: str, app_id: str, app_key: bytes, gateway_public_key: str, *,
                 timeout: float = 3.0, ca_file: str | None = None, clock: Callable[[], float] = time.time) -> None:
        if not gateway or not app_id or len(app_key) < 16 or not gateway_public_key:
            raise IdentityCodeError("gateway, app_id, an app_key of 16+ bytes and the gateway's public key are "
                                    "required", code="identity_gateway_unconfigured")
        self.url, self.app_id, self.key = gateway.rstrip("/") + PATH, app_id, app_key
        self.gateway_public_key = gateway_public_key.strip().lower()
        self.timeout, self.clock = timeout, clock
        self.session = requests.Session()
        if ca_file:
            self.session.verify = ca_file

    def decode(self, code: IdentityCode) -> Identity:
        body = json.dumps({"code": code.payload, "kind": code.kind}, separators=(",", ":")).encode()
        headers = signing.headers(self.app_id, self.key, "POST", PATH, body, int(self.clock()))
        try:
            reply = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            log.info("identity gateway unreachable (%s)", type(exc).__name__)
            raise IdentityCodeError("the provincial gateway did not answer", code="identity_gateway_offline") from None
        if reply.status_code >= 500:
            raise IdentityCodeError(f"the provincial gateway failed ({reply.status_code})",
                                    code="identity_gateway_offline")
        forged = signing.check_answer(self.gateway_public_key, reply.status_code, PATH, headers["X-Nonce"],
                                      dict(reply.headers), reply.content)
        if forged:  # whatever it says, refusals included, it is not the gateway's word
            log.warning("identity gateway answer not trusted: %s", forged)
            raise IdentityCodeError(f"the answer is not signed by the gateway ({forged})",
                                    code="identity_gateway_answer_forged", reason=forged)
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise IdentityCodeError("unreadable gateway answer", code="identity_gateway_answer_invalid")
        if reply.status_code != 200:
            error = str(answer.get("error", ""))
            mapped = GATEWAY_ERRORS.get(error)
            if mapped is None:  # signature, clock, app: this kiosk's set-up, not the citizen's code
                log.warning("identity gateway refused this kiosk: %s", error or reply.status_code)
                mapped = "identity_gateway_refused"
            raise IdentityCodeError(f"gateway: {error or reply.status_code}", code=mapped)
        return _identity(code, answer)


def _identity(code: IdentityCode, answer: dict) -> Identity:
    try:
        kind, name = answer.get("kind"), str(answer.get("name", ""))[:100]
        if kind != code.kind:
            raise ValueError(f"asked for a {code.kind}, told of a {kind}")
        if kind == PERSON:
            return PersonIdentity(check_resident_id(str(answer["id_number"])).number, name)
        if kind == BUSINESS:
            return BusinessIdentity(check_uscc(str(answer["uscc"])), name)
        raise ValueError(f"unknown kind {kind!r}")
    except (KeyError, ValueError, InvalidIdentifier) as exc:
        log.warning("identity gateway answer unusable: %s", getattr(exc, "code", type(exc).__name__))
        raise IdentityCodeError("the gateway's answer names no valid identity",
                                code="identity_gateway_answer_invalid") from None


def from_settings(settings: dict[str, DeviceSettings]) -> IdentityCodeDecoder:
    """The decoder the config file describes ([identity_code]); Unconfigured without that section."""
    section = settings.get(SECTION)
    if section is None:
        return Unconfigured()
    o = section.options
    try:
        key = bytes.fromhex(str(o.get("app_key", "")))
        timeout = float(o.get("timeout", 3.0))
    except ValueError:
        raise IdentityCodeError("[identity_code] app_key is hex and timeout a number",
                                code="identity_gateway_unconfigured") from None
    if not str(o.get("gateway_public_key", "")).strip():
        # A file written before answers were checked: the dispenser still starts (tap and ID card work), and
        # refuses codes as not configured rather than trust answers it cannot check.
        log.error("[identity_code] has no gateway_public_key: 粤省事码 are refused until it is set")
        return Unconfigured()
    return GatewayDecoder(str(o.get("gateway", "")), str(o.get("app_id", "")), key,
                          str(o.get("gateway_public_key", "")), timeout=timeout,
                          ca_file=str(o["ca_file"]) if o.get("ca_file") else None)
