"""SM2 signatures over SM3 (GB/T 32918, GB/T 32905) for written notices, through `tongsuopy` (the Python
binding of Tongsuo, the OpenSSL fork that implements the Chinese algorithms): `cryptography` has SM3 and SM4
but no SM2 signing.

A notice is signed detached: the signed message is `STATEMENT_PREFIX + SM3(pdf bytes)` in hex, so the
signature can be checked against the digest a command carries (the decider, without the PDF) and against the
PDF itself (verify_notice). SM2 hashes its message with SM3 again, behind the signer's Z value (default user
id 1234567812345678).

Keys: each workstation holds its own key pair (a PKCS#8 file, 0600, in its data folder, like the cache key of
shared.sync.cache_seal) and signs offline; the server signs with its own. A public key travels as the hex of
its SubjectPublicKeyInfo DER."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

STATEMENT_PREFIX = b"govhall-notice-v1|sm3:"
_HEX = re.compile(r"[0-9a-f]+")


class SignatureError(ValueError):
    """A key file, a public key or a signature that cannot be read."""


def sm3_hex(data: bytes) -> str:
    from tongsuopy.crypto import hashes
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def statement(digest_hex: str) -> bytes:
    return STATEMENT_PREFIX + digest_hex.encode("ascii")


@dataclass(frozen=True)
class NoticeSignature:
    digest: str       # SM3 of the PDF bytes, hex
    signature: str    # SM2 signature (DER), hex
    public_key: str   # the signer's SubjectPublicKeyInfo DER, hex

    @property
    def key_id(self) -> str:
        """A short name of the signer's key (the first 16 hex digits of its SM3)."""
        return sm3_hex(bytes.fromhex(self.public_key))[:16]


class Signer:
    def __init__(self, private_key) -> None:  # noqa: ANN001 - a tongsuopy SM2 private key
        self._key = private_key

    @classmethod
    def generate(cls) -> Signer:
        from tongsuopy.crypto.asymciphers import ec
        return cls(ec.generate_private_key(ec.SM2()))

    @classmethod
    def from_pkcs8(cls, der: bytes) -> Signer:
        from tongsuopy.crypto import serialization
        try:
            return cls(serialization.load_der_private_key(der, None))
        except Exception as exc:  # noqa: BLE001 - tongsuopy raises several types for a damaged key
            raise SignatureError(f"not an SM2 private key: {exc}") from None

    def pkcs8(self) -> bytes:
        from tongsuopy.crypto import serialization
        return self._key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())

    @property
    def public_key(self) -> str:
        from tongsuopy.crypto import serialization
        return self._key.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).hex()

    def sign_message(self, message: bytes) -> str:
        """The SM2 signature (DER, hex) of `message` itself; callers put their own domain prefix in it."""
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto.asymciphers import ec
        return self._key.sign(message, ec.ECDSA(hashes.SM3())).hex()

    def sign(self, document: bytes) -> NoticeSignature:
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto.asymciphers import ec
        digest = sm3_hex(document)
        signature = self._key.sign(statement(digest), ec.ECDSA(hashes.SM3()))
        return NoticeSignature(digest, signature.hex(), self.public_key)


def verify_digest(digest_hex: str, signature_hex: str, public_key_hex: str) -> bool:
    """Whether `signature` is the key's SM2 signature of the notice whose SM3 is `digest`."""
    if not isinstance(digest_hex, str) or not _HEX.fullmatch(digest_hex) or len(digest_hex) != 64:
        return False
    return verify_message(statement(digest_hex), signature_hex, public_key_hex)


def verify_message(message: bytes, signature_hex: str, public_key_hex: str) -> bool:
    """Whether `signature` (DER, hex) is the SM2 signature of `message` under the key (SPKI DER, hex)."""
    from tongsuopy.crypto import hashes, serialization
    from tongsuopy.crypto.asymciphers import ec
    from tongsuopy.crypto.exceptions import InternalError, InvalidSignature
    if not all(isinstance(v, str) and _HEX.fullmatch(v) and len(v) % 2 == 0
               for v in (signature_hex, public_key_hex)):
        return False
    try:
        key = serialization.load_der_public_key(bytes.fromhex(public_key_hex))
        if not isinstance(getattr(key, "curve", None), ec.SM2):
            return False
        key.verify(bytes.fromhex(signature_hex), message, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, InternalError, ValueError, TypeError):
        return False  # InternalError: Tongsuo's answer to a signature that is not even DER
    return True


def is_sm2_public_key(public_key_hex: str) -> bool:
    """Whether the hex is an SM2 public key (SubjectPublicKeyInfo DER), as a registration must name."""
    from tongsuopy.crypto import serialization
    from tongsuopy.crypto.asymciphers import ec
    if not isinstance(public_key_hex, str) or not _HEX.fullmatch(public_key_hex) or len(public_key_hex) % 2:
        return False
    try:
        key = serialization.load_der_public_key(bytes.fromhex(public_key_hex))
    except Exception:  # noqa: BLE001 - Tongsuo answers bytes that are no key with several exception types
        return False
    return isinstance(getattr(key, "curve", None), ec.SM2)


def verify_notice(document: bytes, signature: NoticeSignature) -> bool:
    """The notice's bytes, its detached signature and the signer's public key agree."""
    return sm3_hex(document) == signature.digest and \
        verify_digest(signature.digest, signature.signature, signature.public_key)


def load_or_create_signer(path: Path) -> Signer:
    """The key pair in `path`, created (0600, O_EXCL: two processes starting at once share one key) the first
    time. The public key is what the server is told at sync; the private key never leaves the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(Signer.generate().pkcs8())
    return Signer.from_pkcs8(path.read_bytes())
