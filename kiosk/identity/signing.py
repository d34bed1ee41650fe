"""Request signing for the provincial identity gateway, used by the client (decoder) and the simulator (sim).

Every request carries `X-App-Id`, `X-Timestamp` (Unix seconds), `X-Nonce` (random, once) and `X-Signature`:
hex HMAC-SM3 under the app key of the canonical string "METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSM3(body) hex". The
gateway refuses a signature that does not verify, a timestamp more than SKEW_S off and a nonce seen before.

Every answer, refusals included, is signed by the gateway: `X-Gateway-Timestamp` and `X-Gateway-Signature`, the
hex SM2 signature (over SM3) under the gateway's key of "govhall-identity-answer-v1\nSTATUS\nPATH\nREQUEST
NONCE\nTIMESTAMP\nSM3(body) hex". The kiosk holds only the gateway's public key (configured per hall), so a
kiosk's file cannot forge answers; the request's nonce in it ties an answer to its question, so a recorded answer
(about another code, or an older one about this code) does not verify: the nonce, fresh for each request, does
what a freshness window would, without trusting the kiosk's clock against the gateway's."""

from __future__ import annotations

import hmac as std_hmac
import secrets

from cryptography.hazmat.primitives import hashes, hmac

from shared.crypto.sm2 import Signer, verify_message

SKEW_S = 300
ANSWER_PREFIX = "govhall-identity-answer-v1"
ANSWER_TIMESTAMP, ANSWER_SIGNATURE = "X-Gateway-Timestamp", "X-Gateway-Signature"


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


def answer_statement(status: int, path: str, request_nonce: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join((ANSWER_PREFIX, str(int(status)), path, request_nonce, timestamp, sm3_hex(body))).encode()


def answer_headers(signer: Signer, status: int, path: str, request_nonce: str, body: bytes,
                   now_s: int) -> dict[str, str]:
    """The gateway's side (the simulator): the headers that sign one answer."""
    timestamp = str(int(now_s))
    return {ANSWER_TIMESTAMP: timestamp,
            ANSWER_SIGNATURE: signer.sign_message(answer_statement(status, path, request_nonce, timestamp, body))}


def check_answer(public_key_hex: str, status: int, path: str, request_nonce: str, got: dict[str, str],
                 body: bytes) -> str | None:
    """Why the answer is not the gateway's own, or None: "unsigned" (no signature), "signature_invalid"
    (forged, altered, another question's answer, another key)."""
    got = {k.title(): v for k, v in got.items()}
    timestamp, sig = got.get(ANSWER_TIMESTAMP.title(), ""), got.get(ANSWER_SIGNATURE.title(), "")
    if not timestamp or not sig:
        return "unsigned"
    if not verify_message(answer_statement(status, path, request_nonce, timestamp, body), sig, public_key_hex):
        return "signature_invalid"
    return None
