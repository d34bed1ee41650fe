"""Learning a keypad nobody described: the installer presses each key in turn ("请依次按每个键"); each press's
bytes (one burst on the line, KeypadReceiver.learning) are recorded for that action, and the result is saved
as a literal description (drivers/keypad/description.py) that the codec loads like any other.

Learning works for keypads whose key always sends the same bytes; a receiver that numbers its frames needs a
structured description written from its documentation."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.keypad.description import literal_toml

# the actions asked for, in order; every step may be skipped (the client names them to the installer)
STEPS: tuple[str, ...] = ("next", "recall", "pause_toggle", "transfer", "evaluate", "hold", "query",
                          *(f"digit:{d}" for d in "1234567890"), "enter", "clear")


@dataclass
class KeyLearning:
    steps: tuple[str, ...] = STEPS
    frames: dict[bytes, str] = field(default_factory=dict)  # frame → action
    position: int = 0

    @property
    def done(self) -> bool:
        return self.position >= len(self.steps)

    @property
    def current(self) -> str | None:
        return None if self.done else self.steps[self.position]

    def record(self, frame: bytes) -> str:
        """Map `frame` to the current step. Returns "learned", "repeat" (this frame already belongs to another
        key: press the asked key), "empty" or "done"."""
        if self.done:
            return "done"
        frame = bytes(frame)
        if not frame:
            return "empty"
        if frame in self.frames:
            return "repeat"
        self.frames[frame] = self.steps[self.position]
        self.position += 1
        return "learned"

    def skip(self) -> None:
        if not self.done:
            self.position += 1

    def action_frame(self, action: str) -> bytes | None:
        return next((f for f, a in self.frames.items() if a == action), None)

    def toml(self, name: str = "learned", title: str = "学习所得的叫号器", address: int = 1) -> str:
        if not self.frames:
            raise ValueError("no key learned yet")
        actions = set(self.frames.values())
        typed = "enter" in actions and any(a.startswith("digit:") for a in actions)
        compose = {"transfer": "window"} if typed and "transfer" in actions else None
        return literal_toml(name, title, self.frames, address=address, compose=compose)
