"""Password hashing: salted PBKDF2-HMAC-SM3 (`cryptography`), stored as
`pbkdf2-sm3$<iterations>$<salt b64>$<hash b64>`. Used for staff passwords on the server and for the offline
login verifier a workstation keeps."""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

SCHEME = "pbkdf2-sm3"
DEFAULT_ITERATIONS = 200_000  # ≈0.12 s on a 2-core development machine


def _derive(password: str, salt: bytes, iterations: int) -> bytes:
    return PBKDF2HMAC(algorithm=hashes.SM3(), length=32, salt=salt, iterations=iterations).derive(
        password.encode("utf-8"))


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS) -> str:
    if not password:
        raise ValueError("password must not be empty")
    salt = os.urandom(16)
    digest = _derive(password, salt, iterations)
    b64 = base64.b64encode
    return f"{SCHEME}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed or empty stored value never verifies."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _derive(password, base64.b64decode(salt, validate=True), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def iterations_of(stored: str) -> int:
    """The cost a stored hash was made at; 0 for a malformed or foreign value."""
    parts = stored.split("$")
    return int(parts[1]) if len(parts) == 4 and parts[0] == SCHEME and parts[1].isdigit() else 0


def needs_rehash(stored: str, iterations: int = DEFAULT_ITERATIONS) -> bool:
    parts = stored.split("$")
    return len(parts) != 4 or parts[0] != SCHEME or not parts[1].isdigit() or int(parts[1]) < iterations
