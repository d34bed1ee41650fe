"""Keypad frame descriptions: the shipped vendor-style description's golden frames, every checksum kind,
descriptions that are refused with a clear reason, learned (literal) descriptions, and fuzzing."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ChecksumError, ConfigError, DeviceError, FrameError
from drivers.core.transport import SerialLink
from drivers.keypad.checksums import crc16_modbus
from drivers.keypad.codec import ACTION_KEYS, HostReply, Key, KeyEvent, KeypadCodec, PadKey, RawFrame, get_codec
from drivers.keypad.description import literal_toml, load_description, parse_description, shipped
from drivers.keypad.receiver import KeypadReceiver
from drivers.sim.keypad import KeypadSimulator
from tests.drivers.conftest import fuzz, wait_for

vendor = get_codec("wireless-15key")


def test_shipped_descriptions():
    assert {"govhall-1", "wireless-15key"} <= set(shipped())
    text = open(load_description("wireless-15key").source, encoding="utf-8").read()
    assert "vendor-STYLE" in text and "NOT a copy of any vendor's protocol document" in text


@pytest.mark.parametrize("event,hexframe", [
    (KeyEvent(1, Key.CALL_NEXT), "AA 01 0A 0B 55"),
    (KeyEvent(1, Key.RECALL), "AA 01 0B 0C 55"),
    (KeyEvent(2, PadKey.PAUSE_TOGGLE), "AA 02 0C 0E 55"),
    (KeyEvent(1, PadKey.DIGIT, digit="7"), "AA 01 07 08 55"),
    (KeyEvent(1, PadKey.ENTER), "AA 01 0E 0F 55"),
    # 转移 1 2 确认: the window typed on the digit keys
    (KeyEvent(1, Key.TRANSFER, target_window=12), "AA 01 0D 0E 55 AA 01 01 02 55 AA 01 02 03 55 AA 01 0E 0F 55"),
])
def test_vendor_golden_frames(event, hexframe):
    assert vendor.encode_key(event) == bytes.fromhex(hexframe)


def test_vendor_reply_shows_the_number_on_the_keypad():
    frame = vendor.encode_reply(1, HostReply(current="A024", waiting=17, beep=True))
    assert frame == bytes.fromhex("AA 01 B0 41 30 32 34 11 01") + bytes(((1 + 0xB0 + 0x41 + 0x30 + 0x32 + 0x34
                                                                          + 0x11 + 1) & 0xFF, 0x55))
    (raw,) = vendor.parser().feed(frame)
    assert vendor.decode_reply(raw) == HostReply("A024", 17, True, False, 0)


def test_checksum_kinds_known_values():
    assert crc16_modbus(b"123456789") == 0x4B37  # the catalogue check value of CRC-16/MODBUS


def _inline(kind: str, **frame) -> KeypadCodec:
    return KeypadCodec(parse_description({
        "name": f"test-{kind}", "frame": {"header": "7E", "fields": ["address", "command", "length", "data",
                                                                      "checksum"], "checksum": kind, **frame},
        "keys": {"01": "next", "02": "transfer"}, "arguments": {"transfer": "u16be"}}))


@pytest.mark.parametrize("kind,frame_hex", [
    ("xor8", "7E 05 02 02 00 0C 09"),
    ("crc16-modbus", None),
    ("sum8", "7E 05 02 02 00 0C 15"),
])
def test_every_checksum_kind_round_trips_and_refuses_damage(kind, frame_hex):
    codec = _inline(kind)
    event = KeyEvent(5, Key.TRANSFER, target_window=12)
    frame = codec.encode_key(event)
    if frame_hex:
        assert frame == bytes.fromhex(frame_hex)
    else:
        assert frame[-2:] == crc16_modbus(frame[1:-2]).to_bytes(2, "little")
    (raw,) = codec.parser().feed(frame)
    assert codec.decode_key(raw) == event
    damaged = frame[:-1] + bytes(((frame[-1] + 1) & 0xFF,))
    out = codec.parser().feed(damaged + frame)
    assert isinstance(out[0], ChecksumError) and codec.decode_key(out[-1]) == event


@pytest.mark.parametrize("data,reason", [
    ({"frame": {"header": "AA", "fields": ["address", "command", "checksum"]}}, "needs a name"),
    ({"name": "x", "frame": {"header": "AA", "fields": ["address", "checksum"]}}, "command and checksum"),
    ({"name": "x", "frame": {"header": "AA", "fields": ["command", "checksum"], "checksum": "md5"}}, "md5"),
    ({"name": "x", "frame": {"header": "", "fields": ["command", "checksum"]}}, "header"),
    ({"name": "x", "frame": {"header": "AA", "fields": ["command", "checksum"]}, "keys": {"01": "launch"}},
     "unknown action 'launch'"),
    ({"name": "x", "frame": {"header": "ZZ", "fields": ["command", "checksum"]}}, "not hex"),
    ({"name": "x", "frame": {"header": "AA", "fields": ["data", "command", "checksum"]}}, "before the data"),
])
def test_broken_descriptions_are_refused_with_the_reason(data, reason):
    with pytest.raises(ConfigError, match=reason):
        parse_description(data, "hall.toml")


def test_unknown_protocol_names_the_shipped_ones(tmp_path):
    with pytest.raises(ConfigError, match="wireless-15key"):
        get_codec("acme-9")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml"):
        get_codec(str(bad))


def test_learned_literal_description_finds_frames_among_garbage(tmp_path):
    frames = {bytes.fromhex("5A A5 10 01 FF"): "next", bytes.fromhex("5A A5 10 02 FE"): "recall",
              bytes.fromhex("5A A5 10 31 CF"): "digit:1"}
    path = tmp_path / "learned.toml"
    path.write_text(literal_toml("learned", "学习所得", frames, address=4), encoding="utf-8")
    codec = get_codec(str(path))
    out = codec.parser().feed(b"\x00\x5A\x13" + bytes.fromhex("5A A5 10 02 FE 5A A5 10 31") + b"\xCF")
    events = [codec.decode_key(o) for o in out if isinstance(o, RawFrame)]
    assert events == [KeyEvent(4, Key.RECALL), KeyEvent(4, PadKey.DIGIT, digit="1")]
    assert any(isinstance(o, FrameError) and "5A 13" in o.message for o in out)
    assert codec.encode_key(KeyEvent(4, Key.CALL_NEXT)) == bytes.fromhex("5A A5 10 01 FF")


@fuzz
@given(st.binary(max_size=200))
def test_fuzz_vendor_random_bytes_never_crash(data):
    for item in vendor.parser().feed(data):
        if isinstance(item, RawFrame):
            try:
                vendor.decode_key(item)
            except DeviceError:
                pass
        else:
            assert isinstance(item, DeviceError)


@fuzz
@given(st.binary(max_size=30), st.sampled_from(["next", "recall", "pause_toggle", "enter", "digit:4"]))
def test_fuzz_vendor_garbage_then_resync(garbage, action):
    codec_event = vendor._event(3, action, 0, b"")
    parser = vendor.parser()
    parser.feed(garbage)
    out = parser.feed(bytes(8) + vendor.encode_key(codec_event))
    assert isinstance(out[-1], RawFrame) and vendor.decode_key(out[-1]) == codec_event


# -- contract: every shipped description, simulator ↔ receiver over a pty ------------------------------------
def _actions(name):
    d = load_description(name)
    return [(name, a) for a in sorted(set(d.keys.values()))]


@pytest.mark.parametrize("name,action", [p for n in ("govhall-1", "wireless-15key") for p in _actions(n)])
def test_contract_every_key_of_every_description(sim_host, name, action):
    codec = get_codec(name)
    sim = KeypadSimulator(address=6, codec=name)
    host = sim_host(sim, "pty")
    receiver = KeypadReceiver(SerialLink(host.url, device="keypad"), codec=name)
    try:
        base, _, digit = action.partition(":")
        key = ACTION_KEYS[base]
        args = {"ticket": "A023"} if action == "call_specific" else {"target_window": 12} \
            if action == "transfer" else {"digit": digit or "5"} if key == PadKey.DIGIT else {}
        sim.press(key, **args)
        events = []
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or events), 3)
        (event,) = events
        assert (event.address, event.key) == (6, key)
        for attr, value in args.items():
            assert getattr(event, attr) == value
        receiver.reply(event, HostReply(current="A023", waiting=5, beep=True))
        if codec.can_reply:
            assert wait_for(lambda: sim.lcd is not None)
            assert (sim.lcd.current, sim.lcd.waiting, sim.lcd.beep) == ("A023", 5, True)
    finally:
        receiver.close()


def test_vendor_keypad_presses_are_never_taken_for_retransmissions(sim_host):
    """No sequence numbers: pressing 呼叫 twice is two calls."""
    sim = KeypadSimulator(address=1, codec="wireless-15key")
    host = sim_host(sim, "tcp")
    receiver = KeypadReceiver(SerialLink(host.url, device="keypad"), codec="wireless-15key")
    try:
        events = []
        sim.press(Key.CALL_NEXT)
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or len(events) >= 1), 3)
        sim.press(Key.CALL_NEXT)
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or len(events) >= 2), 3)
        assert [e.key for e in events] == [Key.CALL_NEXT, Key.CALL_NEXT]
    finally:
        receiver.close()


@pytest.mark.parametrize("name", ["govhall-1", "wireless-15key"])
def test_garbage_and_bad_checksums_are_refused_logged_and_survived(sim_host, caplog, name):
    sim = KeypadSimulator(address=2, codec=name)
    host = sim_host(sim, "pty")
    receiver = KeypadReceiver(SerialLink(host.url, device="keypad"), codec=name)
    caplog.set_level(logging.WARNING, logger="govhall.keypad")
    try:
        sim.send_raw(b"\xAA\xAA\x13\x37garbage\x55\x0D")
        sim.corrupt_next = 1
        sim.press(Key.RECALL)  # damaged: refused (govhall-1 NAKs it, the keypad resends)
        sim.press(Key.CALL_NEXT)
        events = []
        assert wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or Key.CALL_NEXT in
                                     [e.key for e in events]), 3)
        assert any(isinstance(e, ChecksumError) for e in receiver.errors)
        assert "refused checksum_error" in caplog.text and name in caplog.text
        assert all(e.key in (Key.CALL_NEXT, Key.RECALL) for e in events)
    finally:
        receiver.close()


@pytest.mark.hardware
@pytest.mark.parametrize("name", ["wireless-15key"])
def test_real_vendor_receiver_reports_call_next(name):
    from tests.drivers.conftest import hardware_url

    receiver = KeypadReceiver(SerialLink(hardware_url("keypad"), device="keypad"), codec=name)
    try:
        events = []
        wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or events), 30)
        assert events and events[0].key == Key.CALL_NEXT
    finally:
        receiver.close()
