"""Typed errors of the announcement (TTS) stack."""

from drivers.core.errors import DeviceError


class TtsError(DeviceError):
    code = "tts_error"


class ClipMissing(TtsError):
    code = "tts_clip_missing"


class EngineUnavailable(TtsError):
    code = "tts_engine_unavailable"
