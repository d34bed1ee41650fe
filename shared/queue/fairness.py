"""The fairness rule between the priority classes (appointments, green channel) and walk-ins.

A cycle holds `ratio.priority` priority calls and `ratio.normal` normal calls. While both kinds wait, the
priority calls of a cycle come first, then the normal ones; when the kind whose turn it is has nobody
waiting, the other kind is called instead (a window never idles while someone waits). Counts are capped at
each kind's share, and a new cycle starts once both shares are used.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from shared.queue.rules import FairnessRatio
from shared.queue.tickets import PriorityClass


class Turn(enum.Enum):
    PRIORITY = "priority"
    NORMAL = "normal"

    @classmethod
    def of(cls, priority_class: PriorityClass) -> Turn:
        return cls.PRIORITY if priority_class.is_priority else cls.NORMAL


@dataclass(frozen=True)
class FairnessState:
    """Calls of each kind made so far in the current cycle (one state per window)."""

    priority_calls: int = 0
    normal_calls: int = 0

    def __post_init__(self) -> None:
        if self.priority_calls < 0 or self.normal_calls < 0:
            raise ValueError(f"fairness counts must not be negative: {self}")

    def turn(self, ratio: FairnessRatio) -> Turn:
        return Turn.PRIORITY if self.priority_calls < ratio.priority else Turn.NORMAL

    def after(self, called: PriorityClass, ratio: FairnessRatio) -> FairnessState:
        if called.is_priority:
            state = FairnessState(min(self.priority_calls + 1, ratio.priority), self.normal_calls)
        else:
            state = FairnessState(self.priority_calls, min(self.normal_calls + 1, ratio.normal))
        if state.priority_calls >= ratio.priority and state.normal_calls >= ratio.normal:
            return FairnessState()
        return state
