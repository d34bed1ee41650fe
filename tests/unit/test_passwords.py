from shared.passwords import hash_password, needs_rehash, verify_password


def test_round_trip_and_salt() -> None:
    a, b = hash_password("秘密 pass", iterations=1000), hash_password("秘密 pass", iterations=1000)
    assert a != b  # salted
    assert a.startswith("pbkdf2-sm3$1000$")
    assert verify_password("秘密 pass", a) and verify_password("秘密 pass", b)
    assert not verify_password("秘密 pas", a)


def test_malformed_stored_values_never_verify() -> None:
    for stored in ("", "plain", "pbkdf2-sm3$x$y$z", "pbkdf2-sha256$1000$AAAA$AAAA", "pbkdf2-sm3$1000$!!$!!"):
        assert not verify_password("x", stored)


def test_needs_rehash_when_iterations_grow() -> None:
    assert needs_rehash(hash_password("x", iterations=1000), iterations=2000)
    assert not needs_rehash(hash_password("x", iterations=2000), iterations=2000)
