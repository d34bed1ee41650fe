"""粤省事码 / 粤商码: the format recognised, the decoder against the provincial gateway simulator (valid, expired,
forged or unknown, wrong key, gateway down → each its own code and Chinese message), and the dispenser's QR
path through the scanner simulator: a decoded person is handled like an ID-card swipe, a business takes a
walk-in ticket in its name, and with the gateway down the citizen still takes a ticket by tap."""

from __future__ import annotations

import uuid

import pytest

from drivers.config import settings_from_mapping
from gui.qt import Qt
from kiosk.flow.dispenser import Decode, DispenserFlow, LookUp, Step
from kiosk.identity import codes, signing
from kiosk.identity.decoder import (PATH, BusinessIdentity, GatewayDecoder, IdentityCodeError, PersonIdentity,
                                    Unconfigured, from_settings)
from kiosk.identity.sim import IdentityGatewaySimulator
from shared.crypto.sm2 import Signer
from shared.queue.tickets import Channel
from shared.validation import resident_id_check_character
from tests.clock import TickingClock
from tests.kiosk.conftest import MONDAY_10
from tests.kiosk.test_dispenser import business_id, dispenser, printer  # noqa: F401  (fixtures)

APP_ID, KEY = "dg-hall-1", bytes.fromhex("5a" * 16)
PERSON, USCC = "11010519491231002X", "91350100M000100Y43"


@pytest.fixture
def gateway():  # noqa: ANN201
    clock = TickingClock(MONDAY_10)
    sim = IdentityGatewaySimulator(APP_ID, KEY, clock=lambda: clock().timestamp()).start()
    yield sim, GatewayDecoder(sim.url, APP_ID, KEY, sim.public_key, timeout=2,
                              clock=lambda: clock().timestamp()), clock
    sim.stop()


def code_error(decoder, payload: str) -> str:  # noqa: ANN001
    with pytest.raises(IdentityCodeError) as refused:
        decoder.decode(codes.parse(payload))
    return refused.value.code


def test_the_format_is_recognised_strictly() -> None:
    assert codes.parse("YSS:AbCdEfGhIjKlMnOp1234") == codes.IdentityCode("YSS", "person", "AbCdEfGhIjKlMnOp1234")
    assert codes.parse(" ysm:" + "z" * 40 + "\r\n").kind == "business"
    for bad in ("YSS:", "YSS:short", "YSS:" + "a" * 513, "YSS:has space in it!!", "GOVHALL-ID:" + PERSON,
                "GOVHALL-APPT:" + "a" * 24, "https://example.com/x", "YSX:" + "a" * 20):
        assert codes.parse(bad) is None, bad
    f = DispenserFlow()
    assert f.scanned("YSS:" + "a" * 20) == [Decode(codes.parse("YSS:" + "a" * 20))] and f.step is Step.BUSY
    assert f.decoded(PersonIdentity(PERSON)) == [LookUp(PERSON, Channel.QR)]
    g = DispenserFlow()
    g.scanned("YSM:" + "b" * 20)
    assert g.decoded(BusinessIdentity(USCC, "东莞市某某有限公司")) == [] and g.step is Step.PICK
    assert g.tap(3)[0].uscc == USCC


def test_decoder_against_the_simulator(gateway) -> None:  # noqa: ANN001
    sim, decoder, clock = gateway
    assert decoder.decode(codes.parse(sim.person(PERSON, "王小明"))) == PersonIdentity(PERSON, "王小明")
    assert decoder.decode(codes.parse(sim.business(USCC, "某某公司"))) == BusinessIdentity(USCC, "某某公司")
    short = sim.person(PERSON, ttl_s=60)
    clock.advance(seconds=120)
    assert code_error(decoder, short) == "identity_code_expired"
    assert code_error(decoder, "YSS:" + "f" * 32) == "identity_code_invalid"  # forged / never issued
    business_as_person = "YSS:" + codes.parse(sim.business(USCC)).token
    assert code_error(decoder, business_as_person) == "identity_code_invalid"
    wrong_key = GatewayDecoder(sim.url, APP_ID, bytes(16), sim.public_key, timeout=2, clock=decoder.clock)
    assert code_error(wrong_key, sim.person(PERSON)) == "identity_gateway_refused"
    assert sim.requests[-1]["verdict"] == "signature_invalid"
    skewed = GatewayDecoder(sim.url, APP_ID, KEY, sim.public_key, timeout=2, clock=lambda: decoder.clock() + 3600)
    assert code_error(skewed, sim.person(PERSON)) == "identity_gateway_refused"
    sim.delay = 1.0
    slow = GatewayDecoder(sim.url, APP_ID, KEY, sim.public_key, timeout=0.3, clock=decoder.clock)
    assert code_error(slow, sim.person(PERSON)) == "identity_gateway_offline"
    sim.delay = 0
    valid = sim.person(PERSON)
    sim.stop()
    assert code_error(decoder, valid) == "identity_gateway_offline"
    assert code_error(Unconfigured(), valid) == "identity_gateway_unconfigured"


def test_an_answer_not_signed_by_the_gateway_is_never_trusted(gateway) -> None:  # noqa: ANN001
    """Every answer is checked against the gateway's public key before a word of it is read: unsigned, signed
    by another key, altered after signing (a valid person turned into another), or a recorded answer replayed
    for another question — each is identity_gateway_answer_forged, refusals as well as identities."""
    sim, decoder, _ = gateway
    sim.sign_answers = False
    with pytest.raises(IdentityCodeError) as unsigned:
        decoder.decode(codes.parse(sim.person(PERSON, "王小明")))
    assert (unsigned.value.code, unsigned.value.details["reason"]) == ("identity_gateway_answer_forged", "unsigned")
    assert code_error(decoder, "YSS:" + "f" * 32) == "identity_gateway_answer_forged"  # an unsigned refusal too
    sim.sign_answers = True
    impostor = GatewayDecoder(sim.url, APP_ID, KEY, Signer.generate().public_key, timeout=2, clock=decoder.clock)
    assert code_error(impostor, sim.person(PERSON)) == "identity_gateway_answer_forged"
    other = "44190019870615123" + resident_id_check_character("44190019870615123")
    sim.tamper = lambda answer: {**answer, "id_number": other} if "id_number" in answer else answer
    with pytest.raises(IdentityCodeError) as altered:
        decoder.decode(codes.parse(sim.person(PERSON)))
    assert (altered.value.code, altered.value.details["reason"]) == ("identity_gateway_answer_forged",
                                                                    "signature_invalid")
    sim.tamper = None
    assert decoder.decode(codes.parse(sim.person(PERSON, "王小明"))) == PersonIdentity(PERSON, "王小明")
    # a recorded, genuinely signed answer does not verify for another request (its nonce is in the signature)
    raw = b'{"result": "ok", "kind": "person", "id_number": "11010519491231002X", "name": ""}'
    signed = signing.answer_headers(sim.answer_signer, 200, PATH, "nonce-of-an-old-request", raw, 0)
    assert signing.check_answer(sim.public_key, 200, PATH, "nonce-of-an-old-request", signed, raw) is None
    assert signing.check_answer(sim.public_key, 200, PATH, "this-request", signed, raw) == "signature_invalid"
    assert signing.check_answer(sim.public_key, 400, PATH, "nonce-of-an-old-request", signed, raw) \
        == "signature_invalid"


def test_configuration_section() -> None:
    assert isinstance(from_settings({}), Unconfigured)
    gateway_key = Signer.generate().public_key
    section = settings_from_mapping("identity_code", {"gateway": "https://gw.example/", "app_id": APP_ID,
                                                      "app_key": KEY.hex(), "timeout": 2,
                                                      "gateway_public_key": gateway_key})
    decoder = from_settings({"identity_code": section})
    assert decoder.url == "https://gw.example/api/identity/v1/decode" and decoder.timeout == 2.0
    assert decoder.gateway_public_key == gateway_key
    with pytest.raises(IdentityCodeError) as bad:
        from_settings({"identity_code": settings_from_mapping("identity_code", {"gateway": "x", "app_key": "zz"})})
    assert bad.value.code == "identity_gateway_unconfigured"
    # a file from before answers were checked: the dispenser starts, and refuses codes as not configured
    without_key = {"gateway": "https://gw.example/", "app_id": APP_ID, "app_key": KEY.hex()}
    unchecked = from_settings({"identity_code": settings_from_mapping("identity_code", without_key)})
    assert isinstance(unchecked, Unconfigured)
    assert code_error(unchecked, "YSS:" + "a" * 20) == "identity_gateway_unconfigured"
    with pytest.raises(IdentityCodeError):  # built by hand without the key: refused outright
        GatewayDecoder("https://gw.example/", APP_ID, KEY, "")


def scanner_for(window):  # noqa: ANN001, ANN201
    """The dispenser's serial scanner on the in-process scanner simulator (sim://scanner)."""
    from drivers.factory import line_scanner
    from drivers.qt.devices import LineScannerAdapter
    from drivers.sim.protocol_sim import model_for
    url = f"sim://scanner?tag={uuid.uuid4().hex}"
    adapter = LineScannerAdapter(line_scanner(settings_from_mapping("scanner", {"port": url})))
    adapter.sig_scanned.connect(lambda code: window.run(window.flow.scanned(code)))
    adapter.start()
    return adapter, model_for(url)


def test_a_yss_code_at_the_scanner_then_a_business(qtbot, dispenser, printer, gateway,  # noqa: ANN001, F811
                                                   screenshot) -> None:
    window, desk, _ = dispenser
    sim, decoder, _ = gateway
    window.decoder = decoder
    adapter, scanner = scanner_for(window)
    try:
        qtbot.wait(200)  # the adapter's port is open
        scanner.scan(sim.person(PERSON, "王小明"))
        qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=8000)
        assert window.home.title.text() == "身份证 110105********002X，请选择办理业务"
        screenshot(window, "dispenser/pick-for-yss")
        qtbot.mouseClick(window.home.tiles[business_id(desk, "B")], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
        row = next(iter(desk.sync.rows("queue_ticket").values()))
        assert (row["channel"], row["person_key"]) == ("qr", desk.person_key(PERSON))
        # a 粤商码: the business takes a walk-in ticket in its name
        window.run(window.flow.back())
        scanner.scan(sim.business(USCC, "东莞市某某有限公司"))
        qtbot.waitUntil(lambda: window.flow.step is Step.PICK, timeout=8000)
        assert window.home.title.text() == "企业 东莞市某某有限公司，请选择办理业务"
        qtbot.mouseClick(window.home.tiles[business_id(desk, "A")], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
        assert any(r["channel"] == "qr" and r["display"] == "A001" and r["person_key"]
                   for r in desk.sync.rows("queue_ticket").values())
        # an answer not signed by the gateway: its own words, nothing taken from it
        window.run(window.flow.back())
        sim.sign_answers = False
        scanner.scan(sim.person(PERSON, "王小明"))
        qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=8000)
        assert window.message.message.text() == ("核验结果未通过省级平台签名校验，未予采信。"
                                                 "请刷身份证或点击业务取号，并告知工作人员")
        screenshot(window, "dispenser/refused-answer-forged")
        sim.sign_answers = True
        # an expired code, and the gateway down: plain words, and a tap still gives a ticket
        window.run(window.flow.back())
        scanner.scan(sim.person(PERSON, ttl_s=0))
        qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=8000)
        assert window.message.message.text() == "该码已过期，请在手机上刷新后重新出示"
        window.run(window.flow.back())
        code = sim.person(PERSON)
        sim.stop()
        scanner.scan(code)
        qtbot.waitUntil(lambda: window.flow.step is Step.REFUSED, timeout=8000)
        assert window.message.message.text() == "暂时无法连接省级平台核验粤省事码，请刷身份证或直接点击业务取号"
        screenshot(window, "dispenser/refused-gateway-down")
        window.run(window.flow.back())
        qtbot.mouseClick(window.home.tiles[business_id(desk, "C")], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.flow.step is Step.ISSUED, timeout=5000)
        assert window.ticket.number.text() == "C001" and "C001" in printer[0].jobs_text()
    finally:
        adapter.stop()
