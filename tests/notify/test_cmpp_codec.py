"""CMPP 2.0 frames: every message round-trips through encode/decode with the octet layout of the spec, the
CONNECT authenticator is MD5 over the documented concatenation, and long Chinese text splits into UDH parts."""

from __future__ import annotations

import hashlib
import struct

import pytest

from server.notify import cmpp


def test_connect_authenticator_matches_a_worked_example() -> None:
    # Worked by hand from the spec: Source_Addr "901234", 9 NULs, secret "1234", timestamp 1205103000
    # (12-05 10:30:00) — the 29 octets spelt out here, independent of the code under test.
    octets = bytes.fromhex("393031323334" "000000000000000000" "31323334" "31323035313033303030")
    assert len(octets) == 6 + 9 + 4 + 10
    auth = cmpp.authenticator_source("901234", "1234", "1205103000")
    assert auth == hashlib.md5(octets).digest()
    assert auth.hex() == hashlib.md5(b"901234" + b"\x00" * 9 + b"1234" + b"1205103000").hexdigest()
    frame = cmpp.encode(cmpp.CONNECT, 7, cmpp.Connect("901234", auth, 1205103000))
    # 12-octet header + Source_Addr 6 + AuthenticatorSource 16 + Version 1 + Timestamp 4 = 39
    assert frame[:12] == struct.pack(">III", 39, 0x00000001, 7)
    assert frame[12:18] == b"901234" and frame[34] == 0x20 and frame[35:] == struct.pack(">I", 1205103000)
    ismg = cmpp.authenticator_ismg(0, auth, "1234")
    assert ismg == hashlib.md5(b"\x00" + auth + b"1234").digest()


@pytest.mark.parametrize("command_id, message", [
    (cmpp.CONNECT, cmpp.Connect("901234", bytes(range(16)), 1205103000)),
    (cmpp.CONNECT_RESP, cmpp.ConnectResp(3, bytes(range(16, 32)))),
    (cmpp.SUBMIT, cmpp.Submit(("13800138000",), "您的号码A003前面还有2人".encode("utf-16-be"), src_id="10657000",
                              service_id="GOVHALL", msg_src="901234", msg_id=0)),
    (cmpp.SUBMIT, cmpp.Submit(("13800138000", "13900139000"), bytes([5, 0, 3, 9, 2, 1]) + "长".encode("utf-16-be"),
                              pk_total=2, pk_number=1, udhi=1)),
    (cmpp.SUBMIT_RESP, cmpp.SubmitResp(0x0123456789ABCDEF, 0)),
    (cmpp.DELIVER, cmpp.Deliver(42, "10657000", "8613800138000", b"TD")),
    (cmpp.DELIVER, cmpp.Deliver(43, "10657000", "13800138000",
                                cmpp.StatusReport(99, "DELIVRD", "2612051030", "2612051031", "13800138000", 5).body(),
                                registered_delivery=1)),
    (cmpp.DELIVER_RESP, cmpp.DeliverResp(42, 0)),
    (cmpp.ACTIVE_TEST, cmpp.Empty()),
    (cmpp.ACTIVE_TEST_RESP, cmpp.Empty(b"\0")),
    (cmpp.TERMINATE, cmpp.Empty()),
])
def test_every_message_round_trips(command_id: int, message) -> None:  # noqa: ANN001
    frame = cmpp.encode(command_id, 0x7FFFFFFF, message)
    assert struct.unpack(">I", frame[:4])[0] == len(frame)
    assert cmpp.decode(frame) == (command_id, 0x7FFFFFFF, message)


def test_submit_layout_puts_the_fields_where_cmpp2_says() -> None:
    content = "政务".encode("utf-16-be")
    body = cmpp.Submit(("13800138000",), content, src_id="10657000").body()
    # Msg_Id 8, Pk_total, Pk_number, Registered_Delivery, Msg_level, Service_Id 10, Fee_UserType,
    # Fee_terminal_Id 21, TP_pId, TP_udhi, Msg_Fmt at octet 46 …, DestUsr_tl at 116, Dest_terminal_Id 21
    assert body[8:11] == bytes([1, 1, 1]) and body[46] == cmpp.UCS2
    assert body[95:103] == b"10657000" and body[116] == 1 and body[117:128] == b"13800138000"
    assert body[138] == len(content) and body[139:143] == content and body[143:] == b"\0" * 8
    assert len(body) == 117 + 21 + 1 + len(content) + 8


def test_status_report_is_sixty_octets_and_read_back() -> None:
    report = cmpp.StatusReport(7, "UNDELIV", "2612051030", "2612051031", "13800138000", 1)
    assert len(report.body()) == 60
    deliver = cmpp.Deliver(1, "10657000", "13800138000", report.body(), registered_delivery=1)
    assert cmpp.decode(cmpp.encode(cmpp.DELIVER, 1, deliver))[2].report() == report


def test_long_chinese_text_splits_into_udh_parts_and_joins_back() -> None:
    text = "您申请的" + "食品经营许可" * 20 + "已作出决定。"
    parts = cmpp.segments(text, reference=0x1A)
    assert len(parts) == -(-len(text) // 67) and all(udhi == 1 for udhi, _ in parts)
    assert all(len(content) <= 140 for _, content in parts)
    assert [c[:6] for _, c in parts][:2] == [bytes([5, 0, 3, 0x1A, len(parts), 1]), bytes([5, 0, 3, 0x1A, len(parts), 2])]
    assert cmpp.join_segments(parts) == text
    assert cmpp.segments("短信", 1) == [(0, "短信".encode("utf-16-be"))]


def test_malformed_frames_are_refused() -> None:
    frame = cmpp.encode(cmpp.SUBMIT_RESP, 1, cmpp.SubmitResp(1, 0))
    with pytest.raises(cmpp.CmppError):
        cmpp.decode(frame[:-1])  # Total_Length no longer matches
    with pytest.raises(cmpp.CmppError):
        cmpp.decode(struct.pack(">III", 12, 0x00000099, 1))  # unknown Command_Id
    with pytest.raises(cmpp.CmppError):
        cmpp.Submit(("13800138000",), b"x" * 141).body()
