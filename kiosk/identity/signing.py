"""Request signing for the provincial identity gateway, used by the client (decoder) and the simulator (sim).

Every request carries `X-App-Id`, `X-Timestamp` (Unix seconds), `X-Nonce` (random, once) and `X-Signature`:
hex HMAC-SM3 under the app key of the canonical string "METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSM3(body) hex". The
gateway refuses a signature that does not verify, a timestamp more than SKEW_S off and a nonce seen before."""

from __future__ import annotations

import hmac as std_hmac
import secrets

from cryptography.hazmat.primitives import hashes, hmac

SKEW_S = 300


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path, timestamp, nonce, sm3_hex(body))).encode()


def signature(key: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(canonical(method, path, timestamp, nonce, body))
    return mac.finalize().hex()


def headers(app_id: str, key: bytes, method: str, path: str, body: bytes, now_s: int) -> dict[str, str]:
    timestamp, nonce = str(int(now_s)), secrets.token_hex(16)
    return {"X-App-Id": app_id, "X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": signature(key, method, path, timestamp, nonce, body), "Content-Type": "application/json"}


def verify(key: bytes, method: str, path: str, got: dict[str, str], body: bytes) -> bool:
    expected = signature(key, method, path, got.get("X-Timestamp", ""), got.get("X-Nonce", ""), body)
    return std_hmac.compare_digest(expected, got.get("X-Signature", ""))
