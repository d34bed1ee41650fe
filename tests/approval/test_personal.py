from __future__ import annotations

import pytest

from shared.approval.personal import PHONE, RESIDENT_ID, normalise_phone, protect, reveal, search_key
from shared.crypto.keys import StaticKeyProvider
from shared.validation import InvalidIdentifier

KEYS = StaticKeyProvider({"test": bytes(range(16))}, "test", bytes(range(100, 132)))


def test_resident_id_is_normalised_encrypted_indexed_and_masked() -> None:
    p = protect(RESIDENT_ID, " 11010519491231002x ", KEYS, "case:K1:applicant")
    assert p.masked == "110105********002X"
    assert reveal(RESIDENT_ID, p, KEYS, "case:K1:applicant") == "11010519491231002X"
    assert p.index == search_key(RESIDENT_ID, "11010519491231002X", KEYS)


def test_blind_index_equal_for_equivalent_inputs() -> None:
    assert search_key(RESIDENT_ID, "11010519491231002x", KEYS) == search_key(RESIDENT_ID, "11010519491231002X", KEYS)
    assert search_key(PHONE, "+86 138-0013-8000", KEYS) == search_key(PHONE, "13800138000", KEYS)
    assert search_key(PHONE, "13800138000", KEYS) != search_key(PHONE, "13800138001", KEYS)


def test_phone_masking_and_normalising() -> None:
    assert normalise_phone("0086 138 0013 8000") == "13800138000"
    assert protect(PHONE, "138-0013-8000", KEYS, "x").masked == "138****8000"


def test_invalid_resident_ids_are_not_protected() -> None:
    with pytest.raises(InvalidIdentifier):
        protect(RESIDENT_ID, "110105194912310021", KEYS, "x")
