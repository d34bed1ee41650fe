"""The one mainland-mobile rule (shared.validation.check_mobile): the dispenser's keypad and the server's SMS
(server.notify.phones.mobile) agree on it, and each refusal has its own code and Chinese message."""

from __future__ import annotations

import pytest

from server.notify.phones import mobile
from shared.queue.messages import MESSAGES
from shared.validation import InvalidIdentifier, check_mobile, is_mobile


@pytest.mark.parametrize("typed, expected", [
    ("13812341234", "13812341234"), (" 138 1234 1234 ", "13812341234"), ("+86 19912345678", "19912345678"),
    ("008613012345678", "13012345678"), ("138-1234-1234", "13812341234")])
def test_valid_numbers_are_normalised(typed: str, expected: str) -> None:
    assert check_mobile(typed) == expected and mobile(typed) == expected


@pytest.mark.parametrize("typed, code", [
    ("", "phone_empty"), ("   ", "phone_empty"), ("1381234123a", "phone_bad_character"),
    ("１３８１２３４１２３４", "phone_bad_character"), ("1381234", "phone_wrong_length"),
    ("138123412345", "phone_wrong_length"), ("12012345678", "phone_not_mobile"), ("23812341234", "phone_not_mobile")])
def test_refusals_have_codes_and_messages(typed: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        check_mobile(typed)
    assert refused.value.code == code and MESSAGES[code]
    assert not is_mobile(typed) and mobile(typed) is None
