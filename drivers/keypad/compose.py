"""Keys typed as a sequence on keypads of single keys: a prefix key (转移), its argument on the digit keys,
then enter (确认) make one KeyEvent, as one govhall-1 frame would. Digits outside a sequence stay single
events (keypad login reads them)."""

from __future__ import annotations

from dataclasses import replace

from drivers.keypad.codec import KEY_ACTIONS, KeyEvent, PadKey


class KeyComposer:
    def __init__(self, compose: dict[str, str]) -> None:
        self.compose = compose  # action → "window" | "ticket"
        self._open: dict[int, tuple[KeyEvent, str]] = {}  # address → (prefix event, digits so far)

    def feed(self, event: KeyEvent) -> KeyEvent | None:
        """The event to act on now, or None while a sequence is being typed (or was cancelled)."""
        pending = self._open.get(event.address)
        if pending is not None:
            prefix, digits = pending
            if event.key == PadKey.DIGIT:
                self._open[event.address] = (prefix, digits + event.digit)
                return None
            del self._open[event.address]
            if event.key == PadKey.ENTER:
                return self._complete(prefix, digits)
            if event.key == PadKey.CLEAR:
                return None
            # any other key abandons the sequence and counts on its own
        action = KEY_ACTIONS.get(event.key)
        if action in self.compose and not (event.target_window or event.ticket):
            self._open[event.address] = (event, "")
            return None
        return event

    def _complete(self, prefix: KeyEvent, digits: str) -> KeyEvent | None:
        if not digits:
            return None
        if self.compose[KEY_ACTIONS[prefix.key]] == "window":
            return replace(prefix, target_window=int(digits))
        return replace(prefix, ticket=digits)
