"""Announcements for Qt screens: the AnnouncementQueue's callbacks as signals, and the OS voice through Qt
TextToSpeech as a speech engine (its `mock` engine works headless in tests)."""

from __future__ import annotations

from gui.qt import QEventLoop, QObject, QTimer, Signal
from PySide6.QtTextToSpeech import QTextToSpeech

from drivers.tts.announcer import AnnouncementQueue
from drivers.tts.errors import EngineUnavailable
from drivers.tts.playlist import Clip, speech_text


class QtSpeechEngine:
    """Blocking `speak` for the announcements thread: runs a local event loop until the voice is done."""

    def __init__(self, engine: str = "", locale_name: str = "zh_CN", timeout: float = 30.0) -> None:
        self.engine = engine
        self.locale_name = locale_name
        self.timeout = timeout
        self.spoken: list[str] = []

    def speak(self, playlist: list[Clip]) -> None:
        from gui.qt import QLocale

        if self.engine and self.engine not in QTextToSpeech.availableEngines():
            raise EngineUnavailable(f"Qt speech engine {self.engine!r} is not available", device="tts")
        tts = QTextToSpeech(self.engine) if self.engine else QTextToSpeech()
        try:
            if tts.state() == QTextToSpeech.State.Error:
                raise EngineUnavailable(f"Qt speech engine failed: {tts.errorString()}", device="tts")
            tts.setLocale(QLocale(self.locale_name))
            loop = QEventLoop()
            result = {"error": ""}

            def on_state(state) -> None:
                if state == QTextToSpeech.State.Error:
                    result["error"] = tts.errorString() or "speech error"
                    loop.quit()
                elif state == QTextToSpeech.State.Ready and result.get("started"):
                    loop.quit()
                elif state == QTextToSpeech.State.Speaking:
                    result["started"] = True

            tts.stateChanged.connect(on_state)
            QTimer.singleShot(int(self.timeout * 1000), loop.quit)
            text = speech_text(playlist)
            tts.say(text)
            if tts.state() != QTextToSpeech.State.Ready or not result.get("started"):
                loop.exec()
            if result["error"] or not result.get("started"):
                raise EngineUnavailable(f"Qt speech failed: {result['error'] or 'timeout'}", device="tts")
            self.spoken.append(text)
        finally:
            tts.deleteLater()


class AnnouncerAdapter(QObject):
    sig_started = Signal(int, str, str)  # id, ticket, window
    sig_finished = Signal(int)
    sig_error = Signal(int, str, str)  # id, code, message

    def __init__(self, engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = AnnouncementQueue(
            engine,
            on_started=lambda a: self.sig_started.emit(a.id, a.ticket, a.window),
            on_finished=lambda a: self.sig_finished.emit(a.id),
            on_error=lambda a, e: self.sig_error.emit(a.id, e.code, e.message))

    def announce(self, ticket: str, window: str) -> int:
        return self.queue.announce(ticket, window).id

    def repeat(self, announcement_id: int | None = None) -> int:
        return self.queue.repeat(announcement_id).id

    def close(self) -> None:
        self.queue.close()
