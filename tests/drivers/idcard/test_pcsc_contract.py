"""PC/SC contract suite: pyscard against pcscd + vsmartcard's vpcd with our own virtual card (vicc.py).
The `pcscd` fixture (tests/drivers/conftest.py) starts pcscd by pid; `env` inserts the virtual card."""

from __future__ import annotations

import pytest

from drivers.core.errors import CardNotPresent
from drivers.idcard.pcsc import ApduError, PcscReader
from drivers.sim.vicc import VirtualIdCard, VpcdCardClient
from tests.drivers.conftest import wait_for

SERIAL = bytes.fromhex("1122334455667788")
# pcscd notices a reader or a card by polling: under a loaded CI run one removal took over 5 s to show (the
# waits end as soon as it shows).
PCSCD_S = 20


@pytest.fixture
def env(pcscd):
    card = VirtualIdCard(serial=SERIAL, applications=(bytes.fromhex("A0000000031010"),))
    client = VpcdCardClient(card, port=pcscd.port)
    reader = PcscReader(pcscd.reader_name + " 00 00")
    assert wait_for(lambda: (pcscd.reader_name + " 00 00") in reader.readers(), PCSCD_S)
    client.insert()
    assert wait_for(reader.card_present, PCSCD_S), pcscd.log_text()
    yield reader, client, card
    reader.disconnect()
    client.remove()


def test_reader_is_listed(env):
    reader, _, _ = env
    assert any("GovHall Virtual PCD" in r for r in reader.readers())


def test_chip_serial_of_id_card(env):
    reader, _, card = env
    assert reader.chip_serial() == SERIAL
    assert card.apdus[-1] == bytes.fromhex("00 36 00 00 08")


def test_atr(env):
    reader, _, _ = env
    assert reader.atr() == bytes.fromhex("3B 80 80 01 01")


def test_general_apdu_path_and_status_words(env):
    reader, _, _ = env
    assert reader.transmit(bytes.fromhex("00 A4 04 00 07 A0 00 00 00 03 10 10")) == (b"", 0x9000)
    assert reader.transmit(bytes.fromhex("00 A4 04 00 02 12 34"))[1] == 0x6A82
    data, sw = reader.transmit(bytes.fromhex("00 84 00 00 08"))
    assert sw == 0x9000 and len(data) == 8
    with pytest.raises(ApduError) as info:
        reader.command(bytes.fromhex("80 CA 00 00 00"))
    assert info.value.details["sw"] == "6E00"


def test_card_removed_then_presented_again(env):
    reader, client, _ = env
    reader.chip_serial()
    client.remove()
    assert wait_for(lambda: not reader.card_present(), PCSCD_S)
    with pytest.raises(CardNotPresent):
        reader.chip_serial()
    client.insert()
    assert wait_for(reader.card_present, PCSCD_S)
    assert reader.chip_serial() == SERIAL


def test_unknown_reader_is_typed(pcscd):
    from drivers.core.errors import DeviceUnavailable

    with pytest.raises(DeviceUnavailable):
        PcscReader("No Such Reader").chip_serial()


@pytest.mark.hardware
def test_real_pcsc_reader_with_id_card():
    import os

    from drivers.config import load_config

    path = os.environ.get("GOVHALL_DEVICE_CONFIG")
    if not path:
        pytest.skip("set GOVHALL_DEVICE_CONFIG")
    reader = PcscReader(str(load_config(path)["pcsc"].get("reader", "")))
    try:
        assert reader.card_present(), "present a resident ID card on the PC/SC reader"
        assert len(reader.chip_serial()) == 8
    finally:
        reader.disconnect()
