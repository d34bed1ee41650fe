"""Speech engines behind one small interface: `speak(playlist)` blocks until the announcement is over.

- ClipEngine: concatenated pre-rendered clips, played by a WAV player (robust, offline, same voice every time)
- EspeakEngine: espeak-ng reads the text (fallback when a clip is missing)
- FallbackEngine: tries engines in order
The Qt TextToSpeech engine lives in drivers/qt/tts.py (the only place Qt may be imported)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Protocol

from drivers.tts.clips import CHINESE_VOICE, ClipLibrary, espeak_wav, wav_duration
from drivers.tts.errors import EngineUnavailable, TtsError
from drivers.tts.playlist import Clip, speech_text


class Engine(Protocol):
    def speak(self, playlist: list[Clip]) -> None: ...


class WavPlayer(Protocol):
    def play(self, wav: bytes) -> None: ...


class CommandPlayer:
    """Plays WAV bytes through a command reading stdin (aplay, paplay, ffplay...)."""

    def __init__(self, command: list[str] | None = None, timeout: float = 60.0) -> None:
        self.command = command or ["aplay", "-q", "-"]
        self.timeout = timeout

    def play(self, wav: bytes) -> None:
        if not shutil.which(self.command[0]):
            raise EngineUnavailable(f"audio player {self.command[0]} is not installed", device="tts")
        try:
            proc = subprocess.run(self.command, input=wav, capture_output=True, timeout=self.timeout,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineUnavailable(f"audio player failed: {exc}", device="tts") from exc
        if proc.returncode != 0:
            raise EngineUnavailable(f"audio player failed: {proc.stderr.decode(errors='replace')[:200]}",
                                    device="tts")


class FileSink:
    """Writes each announcement as a numbered WAV file and waits its duration, as a speaker would. Used on
    machines without a sound card (recording for later checks) and in tests."""

    def __init__(self, folder: str | Path, realtime: bool = False) -> None:
        self.folder = Path(folder)
        self.realtime = realtime
        self.files: list[Path] = []

    def play(self, wav: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"announcement-{len(self.files) + 1:04d}.wav"
        path.write_bytes(wav)
        self.files.append(path)
        if self.realtime:
            time.sleep(wav_duration(wav))


class ClipEngine:
    def __init__(self, library: ClipLibrary, player: WavPlayer, gap_ms: int = 60) -> None:
        self.library = library
        self.player = player
        self.gap_ms = gap_ms

    def speak(self, playlist: list[Clip]) -> None:
        self.player.play(self.library.concatenate(playlist, self.gap_ms))


class EspeakEngine:
    def __init__(self, player: WavPlayer, voice: str = CHINESE_VOICE, speed: int = 150) -> None:
        self.player = player
        self.voice = voice
        self.speed = speed

    def speak(self, playlist: list[Clip]) -> None:
        self.player.play(espeak_wav(speech_text(playlist), self.voice, self.speed))


class FallbackEngine:
    def __init__(self, *engines: Engine) -> None:
        self.engines = engines
        self.used: list[str] = []  # which engine spoke each announcement (diagnostics)

    def speak(self, playlist: list[Clip]) -> None:
        last: TtsError | None = None
        for engine in self.engines:
            try:
                engine.speak(playlist)
                self.used.append(type(engine).__name__)
                return
            except TtsError as exc:
                last = exc
        raise last or EngineUnavailable("no speech engine configured", device="tts")


class TranscriptEngine:
    """Appends each spoken announcement's text, one line each, to a file after the inner engine spoke it: a
    record of what the hall heard (support, acceptance tests) that needs no microphone."""

    def __init__(self, inner: Engine, path: str | Path) -> None:
        self.inner = inner
        self.path = Path(path)

    def speak(self, playlist: list[Clip]) -> None:
        self.inner.speak(playlist)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(speech_text(playlist) + "\n")
