"""An answer to an earlier question that arrives after the answer to a later one is dropped, so a screen never
shows figures for a period the user has already left."""

import threading

from gui.ops import Ops


def test_a_late_answer_to_an_earlier_question_is_dropped(qtbot):  # noqa: ANN001
    ops = Ops()
    latest = ops.latest()
    shown, failed = [], []
    slow_may_finish = threading.Event()

    def slow() -> str:
        slow_may_finish.wait(5)
        return "October"

    latest.run(slow, on_done=shown.append, on_error=failed.append)
    latest.run(lambda: "November", on_done=shown.append, on_error=failed.append)
    qtbot.waitUntil(lambda: shown == ["November"])
    slow_may_finish.set()
    assert ops.wait()
    qtbot.wait(50)  # the late answer's queued delivery has run by now
    assert shown == ["November"] and failed == []


def test_a_late_error_is_dropped_too_and_the_newest_error_is_delivered(qtbot):  # noqa: ANN001
    ops = Ops()
    latest = ops.latest()
    errors = []
    slow_may_fail = threading.Event()

    def slow_failure() -> None:
        slow_may_fail.wait(5)
        raise OSError("old")

    def failure() -> None:
        raise ValueError("new")

    latest.run(slow_failure, on_error=errors.append)
    latest.run(failure, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1)
    slow_may_fail.set()
    assert ops.wait()
    qtbot.wait(50)
    assert [type(e) for e in errors] == [ValueError]


def test_separate_runners_do_not_supersede_each_other(qtbot):  # noqa: ANN001
    ops = Ops()
    shown = []
    ops.latest().run(lambda: "list", on_done=shown.append)
    ops.latest().run(lambda: "counts", on_done=shown.append)
    qtbot.waitUntil(lambda: sorted(shown) == ["counts", "list"])
