"""Each gateway against its simulator, on loopback: a wrong secret is a retryable outage (the provider refuses
the signature / the ISMG refuses the login), a bad number is refused for good, long Chinese text arrives whole,
status reports and a TD reply come back through `poll`."""

from __future__ import annotations

import datetime as dt

import pytest

from server.notify.cmpp_gateway import CmppGateway
from server.notify.gateway import GatewayRefused, GatewayUnavailable, Outgoing
from server.notify.http_gateway import HttpSmsGateway
from server.notify.sim_cmpp import CmppSimulator
from server.notify.sim_http import HttpSmsSimulator

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.timezone.utc)
LONG = "您申请的" + "东莞市某某区某某街道食品经营许可证新办" * 5 + "（办件号DG2026000001）已作出决定：准予许可。回复TD退订"


def clock() -> dt.datetime:
    return NOW


def message(text: str = "您的号码A001前面还有2人", phone: str = "13800138000") -> Outgoing:
    return Outgoing("n1", phone, "near_call", text, ["A001", "2"])


@pytest.fixture
def cmpp_sim():  # noqa: ANN201
    sim = CmppSimulator("901234", "s3cret", clock=clock).start()
    yield sim
    sim.stop()


@pytest.fixture
def http_sim():  # noqa: ANN201
    sim = HttpSmsSimulator("AKIDtest", "right-key", clock=clock).start()
    yield sim
    sim.stop()


def test_cmpp_login_with_a_wrong_secret_is_an_outage(cmpp_sim) -> None:  # noqa: ANN001
    gateway = CmppGateway("127.0.0.1", cmpp_sim.port, "901234", "wrong", clock=clock, timeout=2)
    with pytest.raises(GatewayUnavailable, match="status 3"):
        gateway.send(message())
    assert cmpp_sim.refused_logins == 1 and cmpp_sim.received == []


def test_cmpp_long_text_arrives_whole_with_reports_and_replies(cmpp_sim) -> None:  # noqa: ANN001
    gateway = CmppGateway("127.0.0.1", cmpp_sim.port, "901234", "s3cret", src_id="10657000", clock=clock, timeout=2)
    try:
        first = gateway.send(message(LONG))
        short = gateway.send(message())
        cmpp_sim.reply("13900139000", "TD")
        reports, replies = gateway.poll()
        assert [(r.text, r.phone) for r in cmpp_sim.received] == [(LONG, "13800138000"),
                                                                   ("您的号码A001前面还有2人", "13800138000")]
        assert {r.msg_id for r in reports if r.delivered} >= {first, short}
        assert [(r.phone, r.text) for r in replies] == [("13900139000", "TD")]
        assert cmpp_sim.connects == 1  # one long-lived link
    finally:
        gateway.close()


def test_http_wrong_key_is_an_outage_and_a_bad_number_is_refused(http_sim) -> None:  # noqa: ANN001
    wrong = HttpSmsGateway(http_sim.url, "AKIDtest", "wrong-key", app_id="1400000000", sign_name="政务", clock=clock)
    with pytest.raises(GatewayUnavailable, match="SignatureFailure"):
        wrong.send(message())
    right = HttpSmsGateway(http_sim.url, "AKIDtest", "right-key", app_id="1400000000", sign_name="政务", clock=clock)
    with pytest.raises(GatewayRefused, match="IncorrectPhoneNumber"):
        right.send(message(phone="1380013"))
    serial = right.send(message())
    http_sim.reply("13800138000", "td")
    reports, replies = right.poll()
    assert [(r.msg_id, r.delivered) for r in reports] == [(serial, True)]
    assert [(r.phone, r.text) for r in replies] == [("13800138000", "td")]
    assert [r.text for r in http_sim.received] == ["您的号码A001前面还有2人，请留意叫号，及时到窗口办理。回复TD退订"]


def test_http_gateway_down_is_an_outage() -> None:
    sim = HttpSmsSimulator("AKIDtest", "k", clock=clock).start()
    url = sim.url
    sim.stop()
    gateway = HttpSmsGateway(url, "AKIDtest", "k", app_id="1", sign_name="政务", clock=clock, timeout=1)
    with pytest.raises(GatewayUnavailable, match="unreachable"):
        gateway.send(message())
