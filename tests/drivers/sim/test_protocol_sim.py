"""`sim://` URLs: the drivers work unchanged against in-process simulators."""

from __future__ import annotations

import pytest

from drivers.core.errors import DeviceUnavailable
from drivers.core.transport import SerialLink
from drivers.display.led import LedDisplay
from drivers.idcard import errors
from drivers.idcard.reader import IdCardReader
from drivers.keypad.codec import HostReply, Key
from drivers.keypad.receiver import KeypadReceiver
from drivers.scanner.line import LineScanner
from drivers.sim.protocol_sim import model_for


def test_idcard_over_sim_url():
    url = "sim://idcard?card_type=I&t=1"
    reader = IdCardReader(SerialLink(url))
    assert reader.read_card().record.name_en == "SMITH JOHN"
    with pytest.raises(errors.NoCard):
        reader.read_card()
    model_for(url).lift_and_present()
    assert reader.read_card().record.card_type == "foreigner_permanent_residence"


def test_keypad_led_scanner_over_sim_urls():
    receiver = KeypadReceiver(SerialLink("sim://keypad?address=9"))
    receiver.link.open()
    keypad = model_for("sim://keypad?address=9")
    keypad.press(Key.EVALUATE)
    (event,) = receiver.poll(0.5)
    assert (event.address, event.key) == (9, Key.EVALUATE)
    receiver.reply(event, HostReply(current="A1", waiting=0))
    assert keypad.lcd.current == "A1"

    led = LedDisplay(SerialLink("sim://led?address=2"), address=2)
    led.show("窗口暂停")
    assert model_for("sim://led?address=2").texts[0] == "窗口暂停"

    scanner = LineScanner(SerialLink("sim://scanner?id=1"))
    scanner.link.open()
    model_for("sim://scanner?id=1").scan("SIM-QR")
    assert scanner.poll(0.5) == ["SIM-QR"]


def test_unknown_sim_device_is_typed():
    with pytest.raises(DeviceUnavailable):
        SerialLink("sim://toaster").open()
