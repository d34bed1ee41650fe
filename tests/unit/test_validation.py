from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared import validation as v


def with_check(first17: str) -> str:
    return first17 + v.resident_id_check_character(first17)


class TestResidentId:
    def test_documented_example_is_valid(self) -> None:
        assert v.is_valid_resident_id("11010519491231002X")

    def test_lower_case_x_is_accepted_and_stored_upper_case(self) -> None:
        assert v.is_valid_resident_id("11010519491231002x")
        assert v.normalise_resident_id(" 11010519491231002x ") == "11010519491231002X"

    @pytest.mark.parametrize("wrong", "0123456789")
    def test_every_wrong_check_character_is_refused(self, wrong: str) -> None:
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_resident_id("11010519491231002" + wrong)
        assert err.value.code == v.BAD_CHECK_CHARACTER
        assert err.value.position == 17

    def test_impossible_birth_date_is_refused_even_with_a_right_check_character(self) -> None:
        number = with_check("11010519490230002")  # 30 February
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_resident_id(number)
        assert err.value.code == v.IMPOSSIBLE_BIRTH_DATE

    def test_birth_date_in_the_future_is_refused(self) -> None:
        number = with_check("11010520990101002")
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_resident_id(number, today=dt.date(2026, 11, 22))
        assert err.value.code == v.FUTURE_BIRTH_DATE

    @pytest.mark.parametrize("text,code", [
        ("", v.EMPTY), ("1101051949123100", v.WRONG_LENGTH), ("11010519491231002X1", v.WRONG_LENGTH),
        ("11010519491231A02X", v.BAD_CHARACTER), ("11010519491231002Y", v.BAD_CHARACTER),
        ("１１０１０５１９４９１２３１００２Ｘ", v.BAD_CHARACTER),  # full-width digits are not digits here
    ])
    def test_malformed_numbers_say_why(self, text: str, code: str) -> None:
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_resident_id(text)
        assert err.value.code == code
        assert not v.is_valid_resident_id(text)

    def test_parsed_fields(self) -> None:
        parsed = v.check_resident_id("11010519491231002X")
        assert (parsed.area_code, parsed.birth_date, parsed.is_male) == ("110105", dt.date(1949, 12, 31), False)

    @given(st.text(max_size=30))
    def test_never_raises_anything_but_invalid_identifier(self, text: str) -> None:
        try:
            v.check_resident_id(text)
        except v.InvalidIdentifier:
            pass

    @given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
           st.integers(min_value=0, max_value=999))
    def test_any_real_number_with_its_check_character_is_valid(self, birth: dt.date, seq: int) -> None:
        number = with_check(f"440105{birth:%Y%m%d}{seq:03d}")
        assert v.is_valid_resident_id(number)
        # and changing any one of the first 17 digits makes it invalid or a different valid birth date
        tampered = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
        assert not v.is_valid_resident_id(tampered)


class TestUscc:
    def test_documented_example_is_valid(self) -> None:
        assert v.is_valid_uscc("91350100M000100Y43")

    def test_lower_case_input_is_normalised(self) -> None:
        assert v.check_uscc("91350100m000100y43") == "91350100M000100Y43"

    @pytest.mark.parametrize("letter", "IOZSV")
    def test_letters_outside_the_alphabet_are_refused(self, letter: str) -> None:
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_uscc("91350100M000100" + letter + "43")
        assert err.value.code == v.BAD_CHARACTER
        assert err.value.position == 15

    def test_wrong_check_character(self) -> None:
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_uscc("91350100M000100Y44")
        assert err.value.code == v.BAD_CHECK_CHARACTER

    def test_check_value_31_maps_to_zero(self) -> None:
        # find a body whose weighted sum is a multiple of 31: its check character must be "0"
        body = next(f"9135010000000{n:04d}" for n in range(10000)
                    if sum(v.USCC_ALPHABET.index(c) * w for c, w in
                           zip(f"9135010000000{n:04d}", (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))) % 31 == 0)
        assert v.uscc_check_character(body) == "0"
        assert v.is_valid_uscc(body + "0")

    def test_wrong_length(self) -> None:
        with pytest.raises(v.InvalidIdentifier) as err:
            v.check_uscc("91350100M000100Y4")
        assert err.value.code == v.WRONG_LENGTH

    @given(st.text(alphabet=v.USCC_ALPHABET, min_size=17, max_size=17))
    def test_computed_check_character_validates(self, body: str) -> None:
        assert v.is_valid_uscc(body + v.uscc_check_character(body))


class TestMasking:
    def test_resident_id(self) -> None:
        assert v.mask_resident_id("11010519491231002X") == "110105********002X"

    def test_phone(self) -> None:
        assert v.mask_phone("13812345678") == "138****5678"

    def test_name(self) -> None:
        assert v.mask_name("欧阳娜娜") == "欧***"

    def test_short_values_reveal_nothing_useful(self) -> None:
        assert v.mask_resident_id("1234") == "****"
