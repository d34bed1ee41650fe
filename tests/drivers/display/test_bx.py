"""BX-5/6 codec: CRC-16/ARC, golden frame, escaping, dynamic text, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ChecksumError, DeviceError, FrameError, ProtocolError
from drivers.display import bx
from tests.drivers.conftest import fuzz


def test_crc16_arc_check_value():
    assert bx.crc16_arc(b"123456789") == 0xBB3D
    assert bx.crc16_arc(b"") == 0


def test_golden_unescaped_frame():
    frame = bx.encode_frame(0x0001, b"\xA3\x06\x01\x00", esc=False)
    body = bytes.fromhex("01 00 00 80 00 00 00 00 00 00 FE 02 04 00 A3 06 01 00")
    crc = bx.crc16_arc(body)
    assert frame == b"\xA5" * 8 + body + crc.to_bytes(2, "little") + b"\x5A"
    (decoded,) = bx.BxParser(esc=False).feed(frame)
    assert decoded == bx.BxFrame(1, 0x8000, b"\xA3\x06\x01\x00")


def test_escaping_keeps_markers_out_of_the_body():
    frame = bx.encode_frame(0x5AA5, b"\xA3\x06\x5A\xA5\xA6\x5B")
    assert b"\xA5" not in frame[8:] and frame[8:-1].count(b"\x5A") == 0
    assert bx.unescape(bx.escape(bytes(range(256)))) == bytes(range(256))
    (decoded,) = bx.BxParser().feed(frame)
    assert decoded.dst == 0x5AA5 and decoded.data == b"\xA3\x06\x5A\xA5\xA6\x5B"


def test_dynamic_text_round_trip_in_gbk():
    areas = [bx.TextArea("请A023号到3号窗口", 0, 0, 0, 128, 16, mode=2), bx.TextArea("暂停服务", 1)]
    data = bx.encode_dynamic_text(areas)
    assert data[:4] == bytes.fromhex("A3 06 01 02")
    assert "请A023号".encode("gbk") in data
    assert bx.decode_dynamic_text(data) == areas


def test_unencodable_text_is_typed():
    with pytest.raises(ProtocolError):
        bx.encode_dynamic_text([bx.TextArea("emoji 😀")])


def test_wrong_crc_is_typed_and_next_frame_still_parsed():
    bad = bx.encode_frame(1, b"\xA3\x06\x00", crc_xor=0x0101)
    good = bx.encode_frame(1, b"\xA3\x06\x00")
    out = bx.BxParser().feed(b"\x00\x5A\x11" + bad + good)
    assert isinstance(out[0], ChecksumError) and isinstance(out[-1], bx.BxFrame)


def test_truncated_frame_then_good_one():
    good = bx.encode_frame(1, b"\xA3\x06\x00")
    out = bx.BxParser().feed(good[:15] + good)
    assert isinstance(out[0], FrameError) and out[-1] == bx.BxFrame(1, 0x8000, b"\xA3\x06\x00")


@pytest.mark.parametrize("esc", [True, False])
@fuzz
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes(esc, data):
    for item in bx.BxParser(esc).feed(data):
        if isinstance(item, bx.BxFrame) and item.data[:2] == bx.DYNAMIC_TEXT:
            try:
                bx.decode_dynamic_text(item.data)
            except DeviceError:
                pass
        else:
            assert isinstance(item, (bx.BxFrame, DeviceError))


@pytest.mark.parametrize("esc", [True, False])
@fuzz
@given(garbage=st.binary(max_size=40).filter(lambda g: b"\xA5" not in g), text=st.text(
    alphabet="请到号窗口办理ABC0123456789 ", max_size=30), cut=st.integers(1, 10))
def test_fuzz_garbage_truncation_resync(esc, garbage, text, cut):
    frame = bx.encode_frame(2, bx.encode_dynamic_text([bx.TextArea(text)]), esc=esc)
    parser = bx.BxParser(esc)
    parser.feed(garbage + frame[:-cut] + (b"" if esc else b"\x00" * 9000))
    out = parser.feed(frame)
    assert isinstance(out[-1], bx.BxFrame) and bx.decode_dynamic_text(out[-1].data)[0].text == text


@pytest.mark.parametrize("esc", [True, False])
@fuzz
@given(data=st.binary(min_size=1, max_size=30), draw=st.data())
def test_fuzz_single_corrupted_byte_is_never_accepted(esc, data, draw):
    frame = bytearray(bx.encode_frame(1, bx.DYNAMIC_TEXT + data, esc=esc))
    pos = draw.draw(st.integers(8, len(frame) - 2))
    frame[pos] ^= draw.draw(st.integers(1, 255))
    out = bx.BxParser(esc).feed(bytes(frame))
    assert all(isinstance(o, DeviceError) for o in out)  # CRC-16 catches every single-byte error
