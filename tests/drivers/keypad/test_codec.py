"""Keypad codec "govhall-1": golden frames for every key and reply, and fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ChecksumError, ConfigError, DeviceError, FrameError, ProtocolError
from drivers.keypad.codec import HostReply, Key, KeyEvent, KeypadParser, RawFrame, encode_frame, get_codec
from tests.drivers.conftest import fuzz

codec = get_codec("govhall-1")


@pytest.mark.parametrize("event,hexframe", [
    (KeyEvent(3, Key.CALL_NEXT, 7), "AA 55 03 01 01 07 0C 0D"),
    (KeyEvent(3, Key.RECALL, 8), "AA 55 03 02 01 08 0E 0D"),
    (KeyEvent(3, Key.CALL_SPECIFIC, 9, ticket="A023"), "AA 55 03 03 05 09 41 30 32 33 EA 0D"),
    (KeyEvent(3, Key.PAUSE, 1), "AA 55 03 04 01 01 09 0D"),
    (KeyEvent(3, Key.RESUME, 2), "AA 55 03 05 01 02 0B 0D"),
    (KeyEvent(3, Key.HOLD, 3), "AA 55 03 06 01 03 0D 0D"),
    (KeyEvent(3, Key.TRANSFER, 4, target_window=12), "AA 55 03 07 03 04 00 0C 1D 0D"),
    (KeyEvent(3, Key.EVALUATE, 5), "AA 55 03 08 01 05 11 0D"),
    (KeyEvent(3, Key.QUERY_WAITING, 6), "AA 55 03 09 01 06 13 0D"),
])
def test_every_key_golden_frame_and_round_trip(event, hexframe):
    frame = codec.encode_key(event)
    assert frame == bytes.fromhex(hexframe)
    (raw,) = KeypadParser().feed(frame)
    assert codec.decode_key(raw) == event


def test_reply_golden_and_round_trip():
    frame = codec.encode_reply(3, HostReply(current="A024", waiting=17, beep=True, seq=7))
    assert frame == bytes.fromhex("AA 55 03 A0 08 07 01 00 11 41 30 32 34 9B 0D")
    (raw,) = KeypadParser().feed(frame)
    assert codec.decode_reply(raw) == HostReply("A024", 17, True, False, 7)


def test_bad_frames_are_typed_and_parser_resyncs():
    good = codec.encode_key(KeyEvent(1, Key.CALL_NEXT, 1))
    bad = bytearray(good)
    bad[-2] ^= 1
    out = KeypadParser().feed(b"\x00\xAA\x55\xAA" + bytes(bad) + good)
    assert any(isinstance(o, ChecksumError) for o in out)
    assert out[-1] == RawFrame(1, 1, b"\x01")


@pytest.mark.parametrize("raw,cls", [
    (RawFrame(1, 0x42, b"\x01"), ProtocolError), (RawFrame(1, 0x01, b""), FrameError),
    (RawFrame(1, 0x03, b"\x01a!"), FrameError), (RawFrame(1, 0x07, b"\x01\x00"), FrameError),
    (RawFrame(1, 0x01, b"\x01\x02"), FrameError),
])
def test_invalid_key_frames_are_typed(raw, cls):
    with pytest.raises(cls):
        codec.decode_key(raw)


def test_unknown_codec_is_config_error():
    with pytest.raises(ConfigError):
        get_codec("acme-9")


@fuzz
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data):
    for item in KeypadParser().feed(data):
        if isinstance(item, RawFrame):
            try:
                codec.decode_key(item)
            except DeviceError:
                pass
        else:
            assert isinstance(item, DeviceError)


@fuzz
@given(st.binary(max_size=40), st.integers(1, 254), st.sampled_from(list(Key)), st.integers(0, 255),
       st.integers(1, 6))
def test_fuzz_garbage_truncation_then_resync(garbage, address, key, seq, cut):
    event = KeyEvent(address, key, seq, ticket="B7" if key == Key.CALL_SPECIFIC else "",
                     target_window=5 if key == Key.TRANSFER else 0)
    frame = codec.encode_key(event)
    parser = KeypadParser()
    parser.feed(garbage + frame[:-cut])
    out = parser.feed(bytes(40) + frame)
    assert isinstance(out[-1], RawFrame) and codec.decode_key(out[-1]) == event


def test_encode_frame_limits():
    with pytest.raises(ValueError):
        encode_frame(1, 1, bytes(33))


@fuzz
@given(st.sampled_from(list(Key)), st.integers(0, 255), st.data())
def test_fuzz_single_corrupted_byte_never_yields_a_different_event(key, seq, draw):
    event = KeyEvent(7, key, seq, ticket="A1" if key == Key.CALL_SPECIFIC else "",
                     target_window=3 if key == Key.TRANSFER else 0)
    frame = bytearray(codec.encode_key(event))
    pos = draw.draw(st.integers(2, len(frame) - 1))
    frame[pos] ^= draw.draw(st.integers(1, 255))
    for item in KeypadParser().feed(bytes(frame)):
        if isinstance(item, RawFrame):  # a sum checksum can miss two compensating changes, never one
            pytest.fail(f"corrupted frame accepted: {item}")
