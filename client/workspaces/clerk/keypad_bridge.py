"""The calling keypad (叫号器) drives the same desk actions as the panel's buttons; each key gets an LCD reply
with the current number and the waiting count (refused keys beep differently). Keypads of any protocol arrive
here as the same KeyEvents (drivers/keypad/codec.py): a one-key pause toggles, and digits or enter outside a
typed sequence (which only keypad login reads) are answered as refused."""

from __future__ import annotations

from gui.qt import QObject
from client.workspaces.clerk.calling_panel import CallingPanel
from drivers.keypad.codec import HostReply, Key, KeyEvent, PadKey

ACTIONS = {Key.CALL_NEXT: "call_next", Key.RECALL: "recall", Key.CALL_SPECIFIC: "call_specific",
           Key.HOLD: "hold", Key.TRANSFER: "transfer"}


class KeypadBridge(QObject):
    def __init__(self, adapter, panel: CallingPanel, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.adapter, self.panel = adapter, panel
        adapter.sig_key.connect(self.on_key)

    def on_key(self, event: KeyEvent) -> None:
        reply = lambda refused: self._reply(event, refused)  # noqa: E731
        snapshot = self.panel.snapshot
        if event.key in (Key.QUERY_WAITING, Key.EVALUATE):
            self._reply(event, False)
        elif event.key is PadKey.PAUSE_TOGGLE:
            self.panel.perform("pause", reply=reply)
        elif event.key in (Key.PAUSE, Key.RESUME):
            paused = bool(snapshot and snapshot.paused)
            if paused == (event.key is Key.PAUSE):
                self._reply(event, True)  # already in that state
            else:
                self.panel.perform("pause", reply=reply)
        elif event.key is Key.CALL_SPECIFIC:
            self.panel.perform("call_specific", event.ticket, reply=reply)
        elif event.key is Key.TRANSFER:
            window = next((w for w in self.panel.reference.windows.values() if w.number == event.target_window), None)
            if window is None:
                self._reply(event, True)
            else:
                self.panel.perform("transfer", {"to_window": window, "to_business_id": None}, reply=reply)
        elif event.key in ACTIONS:
            self.panel.perform(ACTIONS[event.key], reply=reply)
        else:
            self._reply(event, True)  # a digit, enter or clear with nothing being typed

    def _reply(self, event: KeyEvent, refused: bool) -> None:
        s = self.panel.snapshot
        current = s.current.number if s and s.current else ""
        waiting = sum(s.waiting.values()) if s else 0
        self.adapter.reply(event, HostReply(current=current, waiting=waiting, beep=not refused, refused=refused,
                                            seq=event.seq))
