"""Keypad receiver contract suite against the keypad simulator (pty and TCP); `hardware` needs a person
pressing CALL NEXT on keypad address 1 of a real receiver."""

from __future__ import annotations

import pytest

from drivers.core.errors import ChecksumError, DeviceUnavailable
from drivers.core.transport import SerialLink
from drivers.keypad.codec import HostReply, Key
from drivers.keypad.receiver import KeypadReceiver
from drivers.sim.keypad import KeypadSimulator
from tests.drivers.conftest import hardware_url, wait_for


@pytest.fixture(params=["pty", "tcp"])
def env(request, sim_host):
    sim = KeypadSimulator(address=3)
    host = sim_host(sim, request.param)
    receiver = KeypadReceiver(SerialLink(host.url, device="keypad"))
    receiver.link.open()
    yield receiver, sim, host
    receiver.close()


def _next_event(receiver, timeout=2.0):
    events = []
    wait_for(lambda: bool(events.extend(receiver.poll(0.05)) or events), timeout)
    assert events, "no key event arrived"
    return events[0]


@pytest.mark.parametrize("key,args,field", [
    (Key.CALL_NEXT, {}, None), (Key.RECALL, {}, None), (Key.CALL_SPECIFIC, {"ticket": "A023"}, "ticket"),
    (Key.PAUSE, {}, None), (Key.RESUME, {}, None), (Key.HOLD, {}, None),
    (Key.TRANSFER, {"target_window": 12}, "target_window"), (Key.EVALUATE, {}, None),
    (Key.QUERY_WAITING, {}, None),
])
def test_every_key_arrives_typed_and_reply_reaches_lcd(env, key, args, field):
    receiver, sim, _ = env
    sim.press(key, **args)
    event = _next_event(receiver)
    assert (event.address, event.key) == (3, key)
    if field:
        assert getattr(event, field) == args[field]
    receiver.reply(event, HostReply(current="A023", waiting=5, beep=True))
    assert wait_for(lambda: sim.lcd is not None)
    assert (sim.lcd.current, sim.lcd.waiting, sim.lcd.beep) == ("A023", 5, True)


def test_retransmitted_press_is_not_acted_on_twice(env):
    receiver, sim, _ = env
    sim.press(Key.CALL_NEXT)
    event = _next_event(receiver)
    receiver.reply(event, HostReply(current="A001", waiting=2))
    sim.retransmit()  # the keypad missed our reply and sends the same press again
    assert receiver.poll(0.3) == []
    assert wait_for(lambda: len(sim.replies) >= 1)


def test_damaged_frame_is_nakked_and_retransmitted(env):
    receiver, sim, _ = env
    sim.corrupt_next = 1
    sim.press(Key.RECALL)
    event = _next_event(receiver)
    assert event.key == Key.RECALL
    assert any(isinstance(e, ChecksumError) for e in receiver.errors)
    assert wait_for(lambda: sim.naks == 1)


def test_keypad_without_reply_retransmits_until_answered(env):
    receiver, sim, _ = env
    import threading

    result = {}
    t = threading.Thread(target=lambda: result.update(r=sim.press_and_wait(Key.QUERY_WAITING, timeout=3,
                                                                           resend_after=0.1)))
    t.start()
    first = _next_event(receiver)
    receiver.poll(0.35)  # retransmissions arrive and are swallowed while we "think"
    receiver.reply(first, HostReply(current="B002", waiting=9))
    t.join(timeout=5)
    assert result["r"].waiting == 9


def test_receiver_gone_is_typed_and_recovers(sim_host):
    sim = KeypadSimulator(address=1)
    host = sim_host(sim, "pty")
    receiver = KeypadReceiver(SerialLink(host.url, device="keypad"))
    try:
        receiver.poll(0.05)
        host.drop()
        with pytest.raises(DeviceUnavailable):
            receiver.poll(0.3)
        host.restore()
        receiver.poll(0.05)
        sim.press(Key.CALL_NEXT)
        assert _next_event(receiver).key == Key.CALL_NEXT
    finally:
        receiver.close()


@pytest.mark.hardware
def test_real_receiver_reports_call_next():
    receiver = KeypadReceiver(SerialLink(hardware_url("keypad"), device="keypad"))
    try:
        event = _next_event(receiver, timeout=30)
        assert event.key == Key.CALL_NEXT
        receiver.reply(event, HostReply(current="A001", waiting=0, beep=True))
    finally:
        receiver.close()
