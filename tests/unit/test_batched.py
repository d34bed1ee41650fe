"""server.sync.batched: asks that arrive together are answered by one call, in order, each with its own answer
or error; an ask gone meanwhile is left out; a failed call fails its batch only."""

from __future__ import annotations

import asyncio

import pytest

from server.sync.batched import Batched


class Recorder:
    def __init__(self, fail_first: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.gate = asyncio.Event()
        self.fail_first = fail_first

    async def run(self, keys: list[str]) -> list[object]:
        self.batches.append(keys)
        await self.gate.wait()  # the call takes a while: asks arriving meanwhile wait for the next
        if self.fail_first and len(self.batches) == 1:
            raise ConnectionError("database gone")
        return [ValueError(k) if k.startswith("bad") else k.upper() for k in keys]


async def _answers(batched: Batched, keys: list[str], recorder: Recorder, *, cancel: str | None = None) -> list:
    first = asyncio.create_task(batched.ask(keys[0]))
    await asyncio.sleep(0)  # the first batch is running, holding just the first ask
    later = {k: asyncio.create_task(batched.ask(k)) for k in keys[1:]}
    await asyncio.sleep(0)
    if cancel is not None:
        later[cancel].cancel()
    recorder.gate.set()
    return await asyncio.gather(first, *later.values(), return_exceptions=True)


def test_asks_arriving_during_a_call_share_the_next_one_in_order() -> None:
    recorder = Recorder()
    batched = Batched(recorder.run)
    keys = ["a", "b", "bad-c", "d"]
    answers = asyncio.run(_answers(batched, keys, recorder))
    assert recorder.batches == [["a"], ["b", "bad-c", "d"]] and batched.calls == 2
    assert answers[:2] + answers[3:] == ["A", "B", "D"]
    assert isinstance(answers[2], ValueError) and str(answers[2]) == "bad-c"  # that ask's error alone


def test_an_ask_cancelled_while_waiting_is_left_out() -> None:
    recorder = Recorder()
    answers = asyncio.run(_answers(Batched(recorder.run), ["a", "b", "c"], recorder, cancel="b"))
    assert recorder.batches == [["a"], ["c"]]
    assert answers[0] == "A" and isinstance(answers[1], asyncio.CancelledError) and answers[2] == "C"


def test_a_failed_call_fails_its_batch_and_the_next_is_answered() -> None:
    recorder = Recorder(fail_first=True)
    answers = asyncio.run(_answers(Batched(recorder.run), ["a", "b"], recorder))
    assert isinstance(answers[0], ConnectionError) and answers[1] == "B"


def test_a_batch_holds_at_most_the_limit() -> None:
    recorder = Recorder()
    asyncio.run(_answers(Batched(recorder.run, limit=2), ["a", "b", "c", "d", "e"], recorder))
    assert recorder.batches == [["a"], ["b", "c"], ["d", "e"]]


def test_a_new_event_loop_starts_afresh() -> None:
    """A test client runs the app on a loop of its own, one after another: nothing of an old loop is waited for."""
    recorder = Recorder()
    batched = Batched(recorder.run)

    async def abandoned() -> None:  # the loop ends with a call still running
        asyncio.create_task(batched.ask("old"))
        await asyncio.sleep(0)
    asyncio.run(abandoned())
    recorder.gate.set()

    async def fresh() -> str:
        return await asyncio.wait_for(batched.ask("new"), 5)
    assert asyncio.run(fresh()) == "NEW"


@pytest.mark.parametrize("size", [1, 50])
def test_every_ask_gets_its_own_answer(size: int) -> None:
    async def run(keys: list[int]) -> list[int]:
        return [k * 2 for k in keys]
    batched = Batched(run)

    async def many() -> list[int]:
        return await asyncio.gather(*(batched.ask(i) for i in range(size)))
    assert asyncio.run(many()) == [i * 2 for i in range(size)]
