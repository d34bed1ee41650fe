"""Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), as the SMS API (sms.tencentcloudapi.com, version
2021-01-11) requires: a canonical request over the method, path, query, the signed headers content-type, host
and x-tc-action, and the SHA-256 of the JSON body; a key derived from the secret by HMAC over the UTC date,
the service and "tc3_request". The SMS gateway signs with it; its simulator checks with it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signature(secret_key: str, *, host: str, action: str, body: bytes, timestamp: int, service: str) -> str:
    day = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d")
    headers = f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-tc-action:{action.lower()}\n"
    canonical = "\n".join(["POST", "/", "", headers, SIGNED_HEADERS, hashlib.sha256(body).hexdigest()])
    scope = f"{day}/{service}/tc3_request"
    to_sign = "\n".join([ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, *, host: str, action: str, body: bytes, timestamp: int,
                  service: str = "sms") -> str:
    day = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d")
    sig = signature(secret_key, host=host, action=action, body=body, timestamp=timestamp, service=service)
    return (f"{ALGORITHM} Credential={secret_id}/{day}/{service}/tc3_request, "
            f"SignedHeaders={SIGNED_HEADERS}, Signature={sig}")


def parse_authorization(header: str) -> dict[str, str]:
    """{'secret_id', 'day', 'service', 'signed_headers', 'signature'} of an Authorization header."""
    algorithm, _, rest = header.partition(" ")
    if algorithm != ALGORITHM:
        raise ValueError("not TC3-HMAC-SHA256")
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    secret_id, day, service, _ = fields["Credential"].split("/")
    return {"secret_id": secret_id, "day": day, "service": service, "signed_headers": fields["SignedHeaders"],
            "signature": fields["Signature"]}
