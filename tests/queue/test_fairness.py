from shared.queue.fairness import FairnessState, Turn
from shared.queue.rules import FairnessRatio
from shared.queue.tickets import PriorityClass

RATIO = FairnessRatio(1, 2)
P, N = PriorityClass.APPOINTMENT, PriorityClass.NORMAL


def test_cycle_of_one_priority_then_two_normal() -> None:
    state, turns = FairnessState(), []
    for _ in range(6):
        turn = state.turn(RATIO)
        turns.append(turn)
        state = state.after(P if turn is Turn.PRIORITY else N, RATIO)
    assert turns == [Turn.PRIORITY, Turn.NORMAL, Turn.NORMAL] * 2


def test_calls_out_of_turn_are_capped_so_the_other_kind_gets_its_share_later() -> None:
    state = FairnessState()
    for _ in range(5):                      # only walk-ins for a while
        state = state.after(N, RATIO)
    assert state == FairnessState(0, 2)
    assert state.turn(RATIO) is Turn.PRIORITY
    assert state.after(P, RATIO) == FairnessState()  # cycle complete: a fresh one starts


def test_green_channel_counts_as_priority() -> None:
    assert Turn.of(PriorityClass.GREEN_CHANNEL) is Turn.PRIORITY
    assert FairnessState().after(PriorityClass.GREEN_CHANNEL, FairnessRatio(2, 1)) == FairnessState(1, 0)
