"""Pre-rendered announcement clips: rendered with espeak-ng at install/build time (or shipped as WAV files)
into a cache folder, then concatenated per announcement with the standard `wave` module.

    python -m drivers.tts.clips DIR     # render every clip into DIR (skips clips already there)

Digits and words use the `cmn-latn-pinyin` voice (the plain `cmn` voice of Debian bookworm reads tone numbers
in English); letters use an English voice, as halls announce "A" the English way."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

from drivers.tts.errors import ClipMissing, EngineUnavailable, TtsError
from drivers.tts.playlist import Clip, all_clip_keys

CHINESE_VOICE = "cmn-latn-pinyin"
LETTER_VOICE = "en"


def default_cache_dir() -> Path:
    base = os.environ.get("GOVHALL_TTS_CACHE") or Path.home() / ".cache" / "govhall" / "tts-clips"
    return Path(base)


def espeak_binary() -> str:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        raise EngineUnavailable("espeak-ng is not installed (apt-get install espeak-ng)", device="tts")
    return exe


def espeak_wav(text: str, voice: str, speed: int = 150, timeout: float = 20.0) -> bytes:
    try:
        proc = subprocess.run([espeak_binary(), "-v", voice, "-s", str(speed), "--stdout", text],
                              capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineUnavailable(f"espeak-ng failed: {exc}", device="tts") from exc
    if proc.returncode != 0 or not proc.stdout.startswith(b"RIFF"):
        reason = proc.stderr.decode(errors="replace")[:200]
        raise EngineUnavailable(f"espeak-ng failed: {reason}", device="tts")
    return proc.stdout


class ClipLibrary:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, clip: Clip) -> Path:
        return self.folder / f"{clip.key}.wav"

    def missing(self, clips: list[Clip]) -> list[Clip]:
        return [c for c in clips if not self.path(c).is_file()]

    def render(self, clips: list[Clip] | None = None) -> int:
        """Render missing clips with espeak-ng; returns how many were rendered."""
        todo = self.missing(clips if clips is not None else all_clip_keys())
        self.folder.mkdir(parents=True, exist_ok=True)
        for clip in todo:
            voice = LETTER_VOICE if clip.key.startswith("letter_") else CHINESE_VOICE
            data = espeak_wav(clip.text, voice)
            tmp = self.path(clip).with_suffix(".tmp")
            tmp.write_bytes(_fix_stream_header(data))
            tmp.replace(self.path(clip))  # atomic: a half-written clip is never used
        return len(todo)

    def concatenate(self, clips: list[Clip], gap_ms: int = 60) -> bytes:
        missing = self.missing(clips)
        if missing:
            raise ClipMissing(f"missing clips: {[c.key for c in missing]}", device="tts",
                              keys=[c.key for c in missing])
        return concatenate_wavs([self.path(c).read_bytes() for c in clips], gap_ms)


def concatenate_wavs(wavs: list[bytes], gap_ms: int = 60) -> bytes:
    """One WAV of all clips in order, `gap_ms` of silence after each. All clips must share one format."""
    params = None
    chunks: list[bytes] = []
    for data in wavs:
        try:
            with wave.open(io.BytesIO(_fix_stream_header(data)), "rb") as reader:
                p = (reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
                frames = reader.readframes(reader.getnframes())
        except (wave.Error, EOFError) as exc:
            raise TtsError(f"bad clip audio: {exc}", device="tts") from exc
        if params is not None and p != params:
            raise TtsError(f"clip format {p} differs from {params}", device="tts")
        params = p
        chunks += [frames, bytes(p[0] * p[1] * (p[2] * gap_ms // 1000))]
    if params is None:
        raise TtsError("nothing to concatenate", device="tts")
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(params[0])
        writer.setsampwidth(params[1])
        writer.setframerate(params[2])
        writer.writeframes(b"".join(chunks))
    return out.getvalue()


def _fix_stream_header(data: bytes) -> bytes:
    """espeak-ng --stdout cannot seek back, so its RIFF/data sizes are placeholders: repair them."""
    if data[:4] != b"RIFF" or int.from_bytes(data[4:8], "little") == len(data) - 8:
        return data
    idx = data.find(b"data", 12)
    if idx < 0:
        return data
    fixed = bytearray(data)
    fixed[4:8] = (len(data) - 8).to_bytes(4, "little")
    fixed[idx + 4:idx + 8] = (len(data) - idx - 8).to_bytes(4, "little")
    return bytes(fixed)


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(_fix_stream_header(data)), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache_dir()
    print(f"rendered {ClipLibrary(target).render()} clips into {target}")
