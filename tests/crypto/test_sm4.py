from __future__ import annotations

import pytest

from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyUnavailable, StaticKeyProvider, keys_from_environment
from shared.crypto.sm4 import DecryptionFailed, open_sealed, seal

TEST_KEYS = StaticKeyProvider({"k1": bytes(range(16))}, "k1", bytes(range(32)))


def test_sm4_gcm_round_trip_with_bound_associated_data() -> None:
    sealed = seal("13800138000", TEST_KEYS, "case:K1:phone")
    assert sealed.startswith("v1.k1.") and "13800138000" not in sealed
    assert open_sealed(sealed, TEST_KEYS, "case:K1:phone") == "13800138000"
    with pytest.raises(DecryptionFailed):
        open_sealed(sealed, TEST_KEYS, "case:K2:phone")  # copied to another row


def test_tampering_and_wrong_keys_are_detected() -> None:
    sealed = seal("11010519491231002X", TEST_KEYS, "a")
    head, token = sealed.rsplit(".", 1)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(DecryptionFailed):
        open_sealed(f"{head}.{flipped}", TEST_KEYS, "a")
    other = StaticKeyProvider({"k1": bytes(16)}, "k1", bytes(32))
    with pytest.raises(DecryptionFailed):
        open_sealed(sealed, other, "a")
    with pytest.raises(DecryptionFailed):
        open_sealed("garbage", TEST_KEYS, "a")


def test_a_fixed_nonce_gives_a_fixed_ciphertext_and_random_nonces_differ() -> None:
    nonce = bytes(12)
    assert seal("x", TEST_KEYS, "a", nonce=nonce) == seal("x", TEST_KEYS, "a", nonce=nonce)
    assert seal("x", TEST_KEYS, "a") != seal("x", TEST_KEYS, "a")


def test_key_rotation_keeps_old_values_readable() -> None:
    old = seal("secret", TEST_KEYS, "a")
    rotated = StaticKeyProvider({"k1": bytes(range(16)), "k2": bytes(range(16, 32))}, "k2", bytes(range(32)))
    assert open_sealed(old, rotated, "a") == "secret"
    assert seal("secret", rotated, "a").startswith("v1.k2.")


def test_hmac_sm3_blind_index_is_keyed_and_kind_separated() -> None:
    a = blind_index("phone", "13800138000", TEST_KEYS)
    assert len(a) == 64 and a == blind_index("phone", "13800138000", TEST_KEYS)
    assert a != blind_index("resident_id", "13800138000", TEST_KEYS)
    assert a != blind_index("phone", "13800138000", StaticKeyProvider({"k": bytes(16)}, "k", bytes(32)))


def test_keys_from_environment() -> None:
    env = {"GOVHALL_PII_KEYS": f"old:{'00' * 16},new:{'11' * 16}", "GOVHALL_PII_INDEX_KEY": "22" * 32}
    keys = keys_from_environment(env)
    assert keys.current_key_id == "new" and keys.encryption_key("old") == bytes(16)
    with pytest.raises(KeyUnavailable):
        keys_from_environment({})
    with pytest.raises(KeyUnavailable):
        keys_from_environment({"GOVHALL_PII_KEYS": "k:zz", "GOVHALL_PII_INDEX_KEY": "22" * 32})
    with pytest.raises(KeyUnavailable):
        StaticKeyProvider({"k": bytes(8)}, "k", bytes(32))


@pytest.mark.parametrize("key_id", ["k.1", "2026.01", "a b", "", "x" * 33, "k:1"])
def test_a_key_id_that_sealed_values_could_not_carry_is_refused_clearly(key_id: str) -> None:
    """A "." in a key id made every value sealed with it unreadable ("v1.<key id>.<token>"): refused up front."""
    from shared.crypto.keys import InvalidKeyId
    with pytest.raises(InvalidKeyId) as refused:
        StaticKeyProvider({key_id: bytes(16)}, key_id, bytes(32))
    assert refused.value.code == "key_id_invalid"
    if key_id and "," not in key_id and ":" not in key_id:
        with pytest.raises(InvalidKeyId):
            keys_from_environment({"GOVHALL_PII_KEYS": f"{key_id}:{'00' * 16}", "GOVHALL_PII_INDEX_KEY": "22" * 32})
