"""The hall's ticket key (shared.crypto.ticket_key): what a dispenser holds instead of the blind-index key.
Different per hall, different from the index key, and the index a kiosk computes with it for an ID number is
not the case index of the same number: a leaked ticket key says nothing about cases."""

from __future__ import annotations

from shared.approval.personal import RESIDENT_ID, search_key
from shared.crypto.keys import StaticKeyProvider
from shared.crypto.ticket_key import derive_ticket_key, ticket_key_for

KEYS = StaticKeyProvider({"k1": bytes(16)}, "k1", bytes(range(32)))
PERSON_ID = "11010519491231002X"


def test_each_hall_has_its_own_key_and_none_is_the_index_key() -> None:
    one, two = derive_ticket_key(KEYS, 1), derive_ticket_key(KEYS, 2)
    assert len(one) == 32 and one != two and KEYS.index_key() not in (one, two)
    assert derive_ticket_key(KEYS, 1) == one  # deterministic: no key to store or distribute besides config


def test_a_ticket_index_is_not_a_case_index() -> None:
    case_index = search_key(RESIDENT_ID, PERSON_ID, KEYS)
    hall_index = search_key(RESIDENT_ID, PERSON_ID, ticket_key_for(KEYS, 1))
    assert hall_index != case_index != search_key(RESIDENT_ID, PERSON_ID, ticket_key_for(KEYS, 2))
