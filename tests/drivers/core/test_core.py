"""Framing helpers, the reopenable serial link and the device config file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.config import device_settings, load_config, serial_url
from drivers.core.errors import ConfigError, DeviceError, DeviceUnavailable, PaperOut
from drivers.core.framing import ResyncBuffer, sum_checksum, xor_checksum
from drivers.core.transport import SerialLink
from tests.drivers.conftest import fuzz


def test_checksums():
    assert xor_checksum(bytes.fromhex("00 03 11 FF")) == 0xED
    assert sum_checksum(b"\xff\x02") == 0x01


def test_resync_keeps_partial_preamble_across_reads():
    buf = ResyncBuffer(b"\xAA\x55")
    buf.extend(b"junk\xAA")
    assert not buf.align() and bytes(buf.data) == b"\xAA" and buf.discarded == 4
    buf.extend(b"\x55rest")
    assert buf.align() and bytes(buf.data) == b"\xAA\x55rest"


@fuzz
@given(st.binary(max_size=200), st.binary(min_size=1, max_size=4))
def test_fuzz_resync_buffer(data, preamble):
    buf = ResyncBuffer(preamble, max_size=64)
    buf.extend(data)
    if buf.align():
        assert bytes(buf.data).startswith(preamble)
    assert len(buf) <= 64


def test_typed_errors_carry_codes():
    exc = PaperOut("no paper", device="printer")
    assert isinstance(exc, DeviceError) and exc.code == "printer_paper_out"
    assert exc.to_dict() == {"code": "printer_paper_out", "message": "no paper",
                             "details": {"device": "printer"}}


def test_loop_url_round_trip():
    with SerialLink("loop://") as link:
        link.write(b"ping")
        got = bytearray()
        link.read_until(lambda chunk: bool(got.extend(chunk)) or got == b"ping", 1.0)
        assert got == b"ping"


def test_missing_port_and_bad_url_are_typed(tmp_path):
    for url in (str(tmp_path / "nope"), "bogus://x", "socket://127.0.0.1:1"):
        with pytest.raises(DeviceUnavailable):
            SerialLink(url).open()


TOML = """
[idcard]
port = "/dev/pts/7"
baudrate = 115200

[keypad]
host = "127.0.0.1"
tcp_port = 9301
codec = "govhall-1"

[printer]
transport = "network"
host = "192.168.1.50"
port = 9100
encoding = "gb18030"
"""


def test_toml_config(tmp_path):
    path = tmp_path / "devices.toml"
    path.write_text(TOML, encoding="utf-8")
    config = load_config(path)
    idcard = device_settings(config, "idcard")
    assert (idcard.port, idcard.baudrate) == ("/dev/pts/7", 115200)
    assert serial_url(idcard) == "/dev/pts/7"  # a pty path is taken literally
    assert serial_url(config["keypad"]) == "socket://127.0.0.1:9301" and config["keypad"].codec == "govhall-1"
    assert config["printer"].encoding == "gb18030" and config["printer"].get("transport") == "network"
    with pytest.raises(ConfigError):
        device_settings(config, "led")


def test_ini_config_and_errors(tmp_path):
    ini = tmp_path / "devices.ini"
    ini.write_text("[led]\nport = socket://127.0.0.1:5005\nbaudrate = 57600\naddress = 3\n", encoding="utf-8")
    led = load_config(ini)["led"]
    assert serial_url(led) == "socket://127.0.0.1:5005" and led.get_int("address", 1) == 3
    bad = tmp_path / "bad.toml"
    bad.write_text("[idcard\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(bad)
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")
    worse = tmp_path / "worse.ini"
    worse.write_text("[idcard]\nbaudrate = fast\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(worse)
