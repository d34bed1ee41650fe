"""Playlist builder and announcement ordering, without audio."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.tts.announcer import AnnouncementQueue
from drivers.tts.errors import TtsError
from drivers.tts.playlist import all_clip_keys, announcement_text, build_call_playlist, number, speech_text


def texts(clips):
    return [c.text for c in clips]


def test_call_playlist_spells_ticket_and_reads_window_number():
    playlist = build_call_playlist("A023", 3)
    assert texts(playlist) == ["请", "A", "零", "二", "三", "号", "到", "三", "号窗口", "办理"]
    assert [c.key for c in playlist][:3] == ["qing", "letter_a", "digit_0"]
    assert announcement_text("A023", 3) == "请 A 零 二 三 号 到 3 号窗口办理"
    assert speech_text(playlist) == "请A零二三号到三号窗口办理"


@pytest.mark.parametrize("n,reading", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (45, "四十五"),
                                       (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")])
def test_window_numbers_read_as_numbers(n, reading):
    assert "".join(texts(number(n))) == reading


def test_repeat_and_lettered_window():
    playlist = build_call_playlist("b7", "C2", repeat=True)
    assert texts(playlist) == ["重复", "请", "B", "七", "号", "到", "C", "二", "号窗口", "办理"]


@pytest.mark.parametrize("ticket,window", [("A-1", 3), ("A1", 0), ("号", 1), ("A1", 1000)])
def test_unannounceable_input_is_rejected(ticket, window):
    with pytest.raises(ValueError):
        build_call_playlist(ticket, window)


def test_every_playlist_clip_is_in_the_render_list():
    keys = {c.key for c in all_clip_keys()}
    for ticket, window in [("Z999", 120), ("A0", 5), ("K12", "B9")]:
        assert {c.key for c in build_call_playlist(ticket, window, repeat=True)} <= keys


class SlowEngine:
    """Records when each announcement starts and ends; takes `duration` seconds like a speaker."""

    def __init__(self, duration=0.05, fail_on=None):
        self.duration = duration
        self.fail_on = fail_on
        self.log = []
        self.active = 0
        self.overlaps = 0
        self.lock = threading.Lock()

    def speak(self, playlist):
        with self.lock:
            self.active += 1
            self.overlaps += self.active > 1
        self.log.append(speech_text(playlist))
        time.sleep(self.duration)
        with self.lock:
            self.active -= 1
        if self.fail_on and self.fail_on in speech_text(playlist):
            raise TtsError("speaker broke", device="tts")


def test_queue_is_strictly_ordered_and_never_overlaps():
    engine = SlowEngine()
    started = []
    q = AnnouncementQueue(engine, on_started=lambda a: started.append(a.ticket))
    try:
        q.announce("A1", 1)
        q.announce("A2", 2)  # arrives while A1 is being spoken: must wait, not cut in
        q.announce("B3", 3)
        assert q.wait_idle(5)
    finally:
        q.close()
    assert started == ["A1", "A2", "B3"] and engine.overlaps == 0
    assert engine.log[1] == "请A二号到二号窗口办理"


def test_repeat_goes_after_waiting_calls():
    engine = SlowEngine()
    q = AnnouncementQueue(engine)
    try:
        first = q.announce("A1", 1)
        q.announce("A2", 2)
        again = q.repeat(first.id)
        assert again.repeat and again.ticket == "A1"
        q.repeat()  # latest = the repeat of A1
        assert q.wait_idle(5)
    finally:
        q.close()
    assert [t[:4] for t in engine.log] == ["请A一号", "请A二号", "重复请A", "重复请A"]


def test_engine_failure_reported_and_queue_continues():
    errors = []
    engine = SlowEngine(fail_on="A一")
    q = AnnouncementQueue(engine, on_error=lambda a, e: errors.append((a.ticket, e.code)))
    try:
        q.announce("A1", 1)
        q.announce("A2", 1)
        assert q.wait_idle(5)
    finally:
        q.close()
    assert errors == [("A1", "tts_error")] and len(engine.log) == 2


def test_nothing_to_repeat_is_typed():
    q = AnnouncementQueue(SlowEngine())
    try:
        with pytest.raises(TtsError) as info:
            q.repeat()
        assert info.value.code == "tts_nothing_to_repeat"
    finally:
        q.close()
