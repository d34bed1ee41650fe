"""GA 467 codec: frames, checksums, status mapping, text block decoding, and fuzzing of the parser."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ChecksumError, DeviceError, FrameError
from drivers.idcard import errors, ga467
from drivers.idcard.records import ForeignerCardRecord, ResidencePermitRecord, build_text_block
from drivers.sim.idcard import sample_card, sample_id_number, sample_resident_fields
from tests.drivers.conftest import fuzz


@pytest.mark.parametrize("cmd,para,expected", [
    (0x11, 0xFF, "AA AA AA 96 69 00 03 11 FF ED"),
    (0x20, 0x01, "AA AA AA 96 69 00 03 20 01 22"),
    (0x20, 0x02, "AA AA AA 96 69 00 03 20 02 21"),
    (0x30, 0x01, "AA AA AA 96 69 00 03 30 01 32"),
])
def test_build_frame_matches_documented_bytes(cmd, para, expected):
    assert ga467.build_frame(cmd, para) == bytes.fromhex(expected)


def test_read_answer_has_documented_header_and_size():
    card = sample_card()
    frame = ga467.build_response(0x90, ga467.build_read_payload(card.text_block, card.photo))
    assert len(frame) == 1295
    assert frame[:10] == bytes.fromhex("AA AA AA 96 69 05 08 00 00 90")
    assert frame[10:14] == bytes.fromhex("01 00 04 00")


def test_parser_finds_frame_after_garbage_and_split_reads():
    frame = ga467.build_response(0x9F)
    parser = ga467.Ga467Parser(min_body=3)
    stream = b"\x00\xAA\x13garbage\xAA\xAA" + frame
    out = []
    for i in range(len(stream)):
        out += parser.feed(stream[i:i + 1])
    bodies = [o for o in out if isinstance(o, bytes)]
    assert bodies == [b"\x00\x00\x9F"]


def test_parser_reports_checksum_error_then_resyncs():
    bad = bytearray(ga467.build_response(0x90, b"xyz"))
    bad[-1] ^= 0xFF
    out = ga467.Ga467Parser(min_body=3).feed(bytes(bad) + ga467.build_response(0x80))
    assert isinstance(out[0], ChecksumError) and out[0].code == "checksum_error"
    assert out[-1] == b"\x00\x00\x80"


def test_parser_rejects_impossible_length():
    out = ga467.Ga467Parser(min_body=3).feed(ga467.PREAMBLE + b"\xFF\xFF" + ga467.build_response(0x90))
    assert isinstance(out[0], FrameError) and out[-1] == b"\x00\x00\x90"


@pytest.mark.parametrize("sw3,cls,code", [
    (0x80, errors.NoCard, "card_not_present"), (0x81, errors.CardSelectFailed, "idcard_select_failed"),
    (0x41, errors.CardReadFailed, "idcard_read_failed"), (0x31, errors.CardAuthFailed, "idcard_auth_failed"),
    (0x32, errors.CardAuthFailed, "idcard_auth_failed"),
    (0x33, errors.CardVerifyFailed, "idcard_verify_failed"),
    (0x40, errors.WrongCard, "idcard_wrong_card"),
    (0x10, errors.ReaderChecksumError, "idcard_reader_checksum_error"),
    (0x11, errors.ReaderLengthError, "idcard_reader_length_error"),
    (0x21, errors.UnknownCommand, "idcard_bad_command"),
    (0x60, errors.SamSelfTestFailed, "idcard_sam_self_test_failed"),
    (0x66, errors.ReaderNotAuthorised, "idcard_reader_not_authorised"),
    (0x91, errors.NoSuchContent, "idcard_no_such_content"),
    (0x55, errors.UnknownStatus, "idcard_unknown_status"),
])
def test_every_status_maps_to_typed_error(sw3, cls, code):
    response = ga467.decode_response(ga467.build_response(sw3)[7:-1])
    with pytest.raises(cls) as info:
        response.raise_for_status()
    assert info.value.code == code and info.value.details["status"] == sw3


def test_parse_resident_card():
    record = ga467.parse_text_block(sample_card().text_block)
    assert (record.name, record.sex, record.nation) == ("王小明", "男", "汉")
    assert record.birth == dt.date(1990, 3, 7)
    assert record.address == "北京市东城区正义路1号"
    assert record.id_number == sample_id_number()
    assert record.authority == "北京市公安局东城分局"
    assert (record.valid_from, record.valid_to) == (dt.date(2015, 1, 1), dt.date(2035, 1, 1))
    assert record.card_type == "resident"


def test_long_term_card_has_no_expiry():
    record = ga467.parse_text_block(build_text_block(sample_resident_fields(valid_to="长期")))
    assert record.valid_to is None


def test_foreigner_and_permit_cards_branch_on_type_byte():
    foreigner = ga467.parse_text_block(sample_card("I").text_block)
    assert isinstance(foreigner, ForeignerCardRecord)
    assert (foreigner.name, foreigner.name_en, foreigner.nation) == ("史密斯", "SMITH JOHN", "USA")
    assert foreigner.id_number == "USA110090010112" and foreigner.birth == dt.date(1980, 1, 1)
    permit = ga467.parse_text_block(sample_card("J").text_block)
    assert isinstance(permit, ResidencePermitRecord)
    assert permit.pass_number == "H12345678" and permit.issue_count == 1
    assert permit.id_number.startswith("810000")


@pytest.mark.parametrize("override,field", [
    ({"id_number": "110101199003071230"}, "id_number"), ({"birth": "19900230"}, "birth"),
    ({"valid_to": "永久"}, "valid_to"), ({"sex": "7"}, "sex"), ({"nation": "77"}, "nation"),
])
def test_bad_card_content_is_typed(override, field):
    with pytest.raises(errors.CardDataError) as info:
        ga467.parse_text_block(build_text_block({**sample_resident_fields(), **override}))
    assert info.value.code == "idcard_bad_data" and info.value.details["field"] == field


def test_wrong_block_size_is_typed():
    with pytest.raises(errors.CardDataError):
        ga467.parse_text_block(b"\x20\x00" * 10)


@fuzz
@given(st.binary(max_size=600))
def test_fuzz_parser_never_crashes_on_random_bytes(data):
    for item in ga467.Ga467Parser(min_body=3).feed(data):
        assert isinstance(item, (bytes, DeviceError))


@fuzz
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=0x90), st.binary(max_size=40),
       st.integers(min_value=1, max_value=20))
def test_fuzz_garbage_truncation_and_resync(garbage, sw3, data, cut):
    frame = ga467.build_response(sw3, data)
    truncated = frame[:-min(cut, len(frame) - 1)]
    parser = ga467.Ga467Parser(min_body=3)
    parser.feed(garbage + truncated)
    # Whatever came before, a clean frame after enough bytes must still be recovered.
    out = parser.feed(bytes(0x1010) + frame)
    assert out and out[-1] == frame[7:-1]


@fuzz
@given(st.binary(min_size=256, max_size=256))
def test_fuzz_text_block_only_raises_typed_errors(block):
    try:
        ga467.parse_text_block(block)
    except errors.CardDataError:
        pass


@fuzz
@given(st.integers(0, 0x90), st.binary(max_size=40), st.data())
def test_fuzz_single_corrupted_byte_is_never_accepted_as_a_different_frame(sw3, data, draw):
    frame = bytearray(ga467.build_response(sw3, data))
    pos = draw.draw(st.integers(5, len(frame) - 1))  # anywhere after the preamble
    frame[pos] ^= draw.draw(st.integers(1, 255))
    out = ga467.Ga467Parser(min_body=3).feed(bytes(frame))
    assert all(isinstance(o, DeviceError) for o in out)


_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x9FFF, exclude_categories=("Cs",)),
                max_size=20)


@fuzz
@given(st.fixed_dictionaries({k: _text for k in ("name", "sex", "nation", "birth", "address", "id_number",
                                                  "authority", "valid_from", "valid_to")}),
       st.sampled_from(["", "I", "J"]))
def test_fuzz_structured_text_blocks_only_raise_typed_errors(fields, card_type):
    from drivers.idcard.records import FOREIGNER_FIELDS

    if card_type == "I":
        fields = {k: v for k, v in fields.items() if k in FOREIGNER_FIELDS}
    try:
        record = ga467.parse_text_block(build_text_block(fields, card_type))
    except errors.CardDataError:
        return
    assert record.valid_to is None or record.valid_to >= dt.date(1, 1, 1)
