"""SM2 over SM3 signatures of notices (shared.crypto.sm2, tongsuopy): a notice verifies with its signer's
public key, and no longer after one changed byte, another key, or a damaged signature."""

from __future__ import annotations

import dataclasses
import stat

from shared.crypto.sm2 import Signer, load_or_create_signer, sm3_hex, verify_notice


def test_sm3_is_the_standard_sm3() -> None:
    # GB/T 32905-2016, example 1
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_a_notice_verifies_and_fails_after_one_changed_byte() -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    signer = Signer.generate()
    sig = signer.sign(pdf)
    assert verify_notice(pdf, sig)
    for i in (0, len(pdf) // 2, len(pdf) - 1):
        changed = bytearray(pdf)
        changed[i] ^= 0x01
        assert not verify_notice(bytes(changed), sig)
    assert not verify_notice(pdf, dataclasses.replace(sig, public_key=Signer.generate().public_key))
    bad = bytearray.fromhex(sig.signature)
    bad[-1] ^= 0x01
    assert not verify_notice(pdf, dataclasses.replace(sig, signature=bad.hex()))
    assert not verify_notice(pdf, dataclasses.replace(sig, signature="zz"))


def test_the_workstation_key_is_created_once_owner_only(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "data" / "notice-signing.key"
    first = load_or_create_signer(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_signer(path).public_key == first.public_key
