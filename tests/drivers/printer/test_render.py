"""Golden bytes of the ticket, encoding choices, rare characters as images, status bytes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.core.errors import ConfigError, CoverOpen, FrameError, PaperOut, PrinterOffline
from drivers.printer import render as r
from drivers.printer.status import PrinterStatus, encode_status, parse_status
from drivers.printer.ticket import Ticket
from tests.drivers.conftest import fuzz

TICKET = Ticket(hall_name="市民服务中心", number="A023", business="社保办理", people_ahead=5,
                issued_at=dt.datetime(2026, 11, 22, 9, 30, 5), follow_url="https://q.example.cn/t/A023")


def gb(s: str) -> bytes:
    return s.encode("gb18030")


def test_golden_ticket_bytes():
    url = b"https://q.example.cn/t/A023"
    expected = b"".join([
        bytes.fromhex("1B 40 1C 26 1B 61 01"),
        bytes.fromhex("1D 21 11"), gb("市民服务中心"), b"\n",
        bytes.fromhex("1D 21 00"), gb("办理业务：社保办理"), b"\n",
        bytes.fromhex("1D 21 33"), b"A023\n",
        bytes.fromhex("1D 21 00"), gb("您前面还有 5 人等候"), b"\n",
        gb("取号时间：2026-11-22 09:30:05"), b"\n",
        bytes.fromhex("1D 28 6B 04 00 31 41 32 00"), bytes.fromhex("1D 28 6B 03 00 31 43 06"),
        bytes.fromhex("1D 28 6B 03 00 31 45 31"), bytes.fromhex("1D 28 6B 1E 00 31 50 30"), url,
        bytes.fromhex("1D 28 6B 03 00 31 51 30"), b"\n",
        gb("微信扫码，随时查看排队进度"), b"\n", gb("请留意叫号，过号需重新取号"), b"\n",
        bytes.fromhex("1B 61 00 1C 2E 1B 64 04 1D 56 01"),
    ])
    assert r.render(TICKET) == expected


def test_punctuation_and_currency_are_encoded_not_replaced():
    data = r.line("，¥12", r.PrinterProfile())
    assert data == "，¥12".encode("gb18030") + b"\n" and b"?" not in data


def test_full_cut_and_no_cutter_profiles():
    assert r.render(TICKET, r.PrinterProfile(cutter="full")).endswith(bytes.fromhex("1B 64 04 1D 56 00"))
    no_cut = r.render(TICKET, r.PrinterProfile(cutter="none"))
    assert no_cut.endswith(bytes.fromhex("1B 64 04")) and b"\x1d\x56" not in no_cut


def test_utf8_printer_gets_utf8_and_no_chinese_mode():
    data = r.render(TICKET, r.PrinterProfile(encoding="utf-8", font_charset="utf-8"))
    assert "市民服务中心".encode("utf-8") in data and b"\x1c\x26" not in data


def test_gbk_profile():
    assert "社保办理".encode("gbk") in r.render(TICKET, r.PrinterProfile(encoding="gbk", font_charset="gbk"))


def test_line_with_character_outside_printer_font_becomes_raster_image():
    profile = r.PrinterProfile(font_charset="gb2312")
    assert r.line("王小明", profile) == "王小明".encode("gb18030") + b"\n"
    raster = r.line("王喆", profile)  # 喆 is not in GB2312: the whole line is an image (GS v 0 starts a line)
    assert raster[:4] == bytes.fromhex("1D 76 30 00")
    width_bytes, height = int.from_bytes(raster[4:6], "little"), int.from_bytes(raster[6:8], "little")
    assert height == 24 and len(raster) == 8 + width_bytes * height
    assert width_bytes * 8 >= 2 * 20  # two glyphs wide
    assert any(raster[8:])  # some dots are black: the glyphs were drawn
    big = r.line("王喆", profile, scale=2)
    assert int.from_bytes(big[6:8], "little") == 48


def test_ticket_for_gb2312_printer_prints_rare_business_name_as_image():
    import dataclasses

    ticket = dataclasses.replace(TICKET, business="䶮字办理")
    data = r.render(ticket, r.PrinterProfile(font_charset="gb2312"))
    assert "䶮".encode("gb18030") not in data and bytes.fromhex("1D 76 30 00") in data
    assert "市民服务中心".encode("gb18030") in data  # other lines stay text


def test_unknown_encoding_is_config_error():
    with pytest.raises(ConfigError):
        r.render(TICKET, r.PrinterProfile(encoding="big5"))


@pytest.mark.parametrize("status,error", [
    (PrinterStatus(paper_out=True), PaperOut), (PrinterStatus(cover_open=True), CoverOpen),
    (PrinterStatus(online=False), PrinterOffline),
])
def test_status_round_trip_and_typed_errors(status, error):
    b = encode_status(status)
    parsed = parse_status(b[1], b[2], b[4])
    assert parsed == status
    with pytest.raises(error):
        parsed.raise_if_not_ready()


def test_documented_status_bytes():
    assert parse_status(0x12, 0x12, 0x12).ready
    assert parse_status(0x12, 0x12, 0x7E).paper_out  # paper roll sensor: 0x60 paper end, 0x0C near end
    assert parse_status(0x12, 0x16, 0x12).cover_open
    with pytest.raises(FrameError):
        parse_status(0xFF, 0x12, 0x12)


@fuzz
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_fuzz_status_bytes(a, b, c):
    try:
        parse_status(a, b, c)
    except FrameError:
        pass
