"""Which scanned payloads are provincial identity codes. The codes are opaque: only the provincial gateway
knows whom one names and whether it is still valid (they are short-lived, refreshed on the citizen's phone).

Recognised form: "<scheme>:<token>", the scheme `YSS` (粤省事码, a person) or `YSM` (粤商码, a business), the token
16–512 characters of [A-Za-z0-9_.~+/=-] (URL- and base64-safe). An 18-character token that is itself a valid
resident ID number is still a token here: the gateway, not the payload, says who it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSON, BUSINESS = "person", "business"
SCHEMES = {"YSS": PERSON, "YSM": BUSINESS}
TOKEN = re.compile(r"[A-Za-z0-9_.~+/=-]{16,512}")


@dataclass(frozen=True)
class IdentityCode:
    scheme: str   # YSS / YSM
    kind: str     # person / business
    token: str

    @property
    def payload(self) -> str:
        return f"{self.scheme}:{self.token}"


def parse(payload: str) -> IdentityCode | None:
    scheme, sep, token = (payload or "").strip().partition(":")
    kind = SCHEMES.get(scheme.upper())
    if not sep or kind is None or not TOKEN.fullmatch(token):
        return None
    return IdentityCode(scheme.upper(), kind, token)


def payload(kind: str, token: str) -> str:
    """What a code of `kind` carrying `token` reads as (simulator, tests)."""
    scheme = next(s for s, k in SCHEMES.items() if k == kind)
    return f"{scheme}:{token}"
