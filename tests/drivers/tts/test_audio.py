"""Clip rendering with espeak-ng (into a per-session cache), concatenation, fallbacks. Needs espeak-ng
(installed by installers/dev.sh); skipped with a reason outside CI when it is missing."""

from __future__ import annotations

import io
import shutil
import wave

import pytest

from drivers.tts.announcer import AnnouncementQueue
from drivers.tts.clips import ClipLibrary, concatenate_wavs, wav_duration
from drivers.tts.engines import ClipEngine, EspeakEngine, FallbackEngine, FileSink
from drivers.tts.errors import ClipMissing, TtsError
from drivers.tts.playlist import Clip, build_call_playlist
from tests.conftest import IN_CI

if not shutil.which("espeak-ng") and not IN_CI:
    pytest.skip("espeak-ng is not installed (installers/dev.sh installs it)", allow_module_level=True)


@pytest.fixture(scope="session")
def library(tmp_path_factory):
    lib = ClipLibrary(tmp_path_factory.mktemp("tts-clips"))
    lib.render()
    return lib


def test_all_clips_rendered_once(library):
    assert library.missing(build_call_playlist("Z987", 123, repeat=True)) == []
    assert library.render() == 0  # cached: nothing rendered again


def test_clip_engine_concatenates_in_playlist_order(library, tmp_path):
    sink = FileSink(tmp_path)
    playlist = build_call_playlist("A023", 3)
    ClipEngine(library, sink, gap_ms=50).speak(playlist)
    (path,) = sink.files
    total = sum(wav_duration(library.path(c).read_bytes()) for c in playlist) + 0.05 * len(playlist)
    assert abs(wav_duration(path.read_bytes()) - total) < 0.01
    # the first samples are the first clip's ("请")
    with wave.open(io.BytesIO(path.read_bytes())) as w, wave.open(str(library.path(playlist[0]))) as first:
        n = first.getnframes()
        assert w.readframes(n) == first.readframes(n)


def test_missing_clip_falls_back_to_espeak(library, tmp_path):
    library.path(Clip("banli", "办理")).rename(tmp_path / "moved.wav")
    try:
        sink = FileSink(tmp_path / "out")
        engine = FallbackEngine(ClipEngine(library, sink), EspeakEngine(sink))
        engine.speak(build_call_playlist("A1", 2))
        assert engine.used == ["EspeakEngine"] and wav_duration(sink.files[0].read_bytes()) > 0.5
        with pytest.raises(ClipMissing):
            ClipEngine(library, sink).speak(build_call_playlist("A1", 2))
    finally:
        (tmp_path / "moved.wav").rename(library.path(Clip("banli", "办理")))


def test_queue_with_real_clips_writes_announcements_in_order(library, tmp_path):
    sink = FileSink(tmp_path)
    q = AnnouncementQueue(ClipEngine(library, sink))
    try:
        q.announce("A1", 1)
        q.announce("B22", 10)
        assert q.wait_idle(10)
    finally:
        q.close()
    durations = [wav_duration(p.read_bytes()) for p in sink.files]
    assert len(durations) == 2 and durations[1] > durations[0]  # B22 at 十 is longer than A1 at 一


def test_mismatched_clip_formats_are_typed():
    def wav(rate):
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(bytes(100))
        return out.getvalue()

    assert wav_duration(concatenate_wavs([wav(8000), wav(8000)], gap_ms=0)) == 100 / 8000
    with pytest.raises(TtsError):
        concatenate_wavs([wav(8000), wav(16000)])
    with pytest.raises(TtsError):
        concatenate_wavs([b"not a wav"])


def test_transcript_records_what_was_spoken_and_only_that(tmp_path):
    from drivers.tts.engines import TranscriptEngine

    class Voice:
        def __init__(self) -> None:
            self.fail = False

        def speak(self, playlist) -> None:  # noqa: ANN001
            if self.fail:
                raise TtsError("speaker unplugged")

    voice = Voice()
    engine = TranscriptEngine(voice, tmp_path / "spoken.txt")
    engine.speak(build_call_playlist("A023", "3"))
    voice.fail = True
    with pytest.raises(TtsError):
        engine.speak(build_call_playlist("B001", "1"))
    lines = (tmp_path / "spoken.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and "A" in lines[0] and "三号窗口" in lines[0]
