"""Hall display: calls arriving through sync are shown (newest large, per window, recent) and spoken through
the drivers' announcement queue exactly once, in order, with the configured repeat — also after a restart."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from gui.ops import Ops
from drivers.qt.tts import AnnouncerAdapter
from drivers.tts.playlist import speech_text
from kiosk.display import DisplayWindow
from kiosk.services.reference import load_directory
from shared.sync import store
from tests.kiosk.conftest import make_device


class Voice:
    """The announcer's engine in tests: records what would have been spoken, in order."""

    def __init__(self) -> None:
        self.spoken: list[str] = []
        self.lock = threading.Lock()

    def speak(self, playlist) -> None:  # noqa: ANN001
        with self.lock:
            self.spoken.append(speech_text(playlist))


def publish_call(sync, hall_id: int, display: str, window_number: int, window_id: int,  # noqa: ANN001
                 at: dt.datetime,
                 seq: int) -> str:
    """What a pull brings when a window calls (the server publishes a queue_call row)."""
    call_id = str(uuid.uuid4())
    row = {"id": call_id, "hall_id": hall_id, "ticket_id": str(uuid.uuid4()), "display": display,
           "window_id": window_id, "window_number": window_number, "kind": "call", "at": at.isoformat(),
           "accepted": True}
    with sync.engine.begin() as conn:
        store.apply_changes(conn, [{"scope": f"hall:{hall_id}", "seq": seq, "table": "queue_call",
                                    "pk": call_id,
                                    "op": "upsert", "row": row}])
    for listener in sync._pulled_listeners:  # and tells its listeners, as SyncClient.pull does
        listener(1)
    return call_id


def open_display(qtbot, sync, cache, now, voice):  # noqa: ANN001, ANN201
    ops = Ops()
    announcer = AnnouncerAdapter(voice)
    window = DisplayWindow(ops, sync, load_directory(cache), announcer, repeat=1, now=lambda: now[0],
                           notice="今天大厅办理时间 9:00-17:30，中午不休息。")
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    return window, ops, announcer


def test_calls_are_shown_and_announced_once_in_order_even_after_a_restart(qtbot, hall, cache,  # noqa: ANN001
                                                                          now,
                                                                           screenshot) -> None:
    sync, _ = make_device(hall, cache, "display")
    sync.sync_once()
    _, _, hall_id, windows = hall
    voice = Voice()
    window, ops, announcer = open_display(qtbot, sync, cache, now, voice)
    publish_call(sync, hall_id, "A001", 3, windows[2], now[0], 1)
    publish_call(sync, hall_id, "B001", 6, windows[5], now[0] + dt.timedelta(seconds=1), 2)
    qtbot.waitUntil(lambda: len(voice.spoken) == 4, timeout=5000)
    assert voice.spoken == ["请A零零一号到三号窗口办理", "重复请A零零一号到三号窗口办理",
                            "请B零零一号到六号窗口办理", "重复请B零零一号到六号窗口办理"]
    assert window.board.cells[3].ticket.text() == "A001" and window.board.cells[6].ticket.text() == "B001"
    assert window.board.hero.text() == "请 B001 号到 6 号窗口"
    qtbot.wait(600)  # a few more refreshes: nothing is spoken again
    assert len(voice.spoken) == 4
    qtbot.waitUntil(lambda: not window.board.flash.isActive(), timeout=8000)
    assert window.grab().size().height() == 1080
    screenshot(window, "display/board")
    window.close()
    ops.wait()
    announcer.close()
    # a restart (power cut, new process) with the same cache: nothing old is repeated; a new call is
    voice2 = Voice()
    window2, ops2, announcer2 = open_display(qtbot, sync, cache, now, voice2)
    qtbot.waitUntil(lambda: window2.board.cells[6].ticket.text() == "B001", timeout=5000)
    publish_call(sync, hall_id, "A002", 1, windows[0], now[0] + dt.timedelta(seconds=5), 3)
    qtbot.waitUntil(lambda: len(voice2.spoken) == 2, timeout=5000)
    qtbot.wait(500)
    assert voice2.spoken == ["请A零零二号到一号窗口办理", "重复请A零零二号到一号窗口办理"]
    window2.close()
    ops2.wait()
    announcer2.close()


def test_a_display_without_memory_announces_only_fresh_calls(qtbot, hall, cache, now) -> None:  # noqa: ANN001
    sync, _ = make_device(hall, cache, "display")
    _, _, hall_id, windows = hall
    publish_call(sync, hall_id, "A001", 3, windows[2], now[0] - dt.timedelta(hours=1), 1)  # old news
    publish_call(sync, hall_id, "A002", 2, windows[1], now[0] - dt.timedelta(seconds=20), 2)
    voice = Voice()
    window, ops, announcer = open_display(qtbot, sync, cache, now, voice)
    qtbot.waitUntil(lambda: len(voice.spoken) == 2, timeout=5000)
    qtbot.wait(300)
    assert voice.spoken == ["请A零零二号到二号窗口办理", "重复请A零零二号到二号窗口办理"]
    assert window.board.cells[3].ticket.text() == "A001"  # still shown
    window.close()
    ops.wait()
    announcer.close()


def test_a_pull_wakes_the_display_without_polling(qtbot, hall, cache, tmp_path) -> None:  # noqa: ANN001
    """A call made at a counter reaches the board as soon as the display's pull brings it: the timer here
    would not fire for a minute, so only the pull's notice can have woken the board."""
    from tests.kiosk.test_end_to_end import after_issue, issued_ticket, counter
    _, _, _, windows = hall
    from shared.db.cache import open_cache
    ticket_id = issued_ticket(hall, cache)
    sync, _ = make_device(hall, open_cache(tmp_path / "display.sqlite3", immediate=True), "display")
    sync.sync_once()
    voice, ops = Voice(), Ops()
    announcer = AnnouncerAdapter(voice)
    clock = after_issue()
    window = DisplayWindow(ops, sync, load_directory(cache), announcer, repeat=0, refresh_ms=60_000,
                           now=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.timer.isActive(), timeout=3000)
    qtbot.wait(100)
    clerk = counter(hall, tmp_path / "counter.sqlite3", 2)
    clerk.sync_once()
    clerk.submit("queue.call", 1, {"call_id": str(uuid.uuid4()), "ticket_id": ticket_id, "window_id": windows[2],
                                   "mode": "specific", "at": clock().isoformat()})
    clerk.sync_once()
    assert clerk.rejected() == []
    threading.Thread(target=sync.sync_once).start()  # what the display's sync loop does on the server's event
    qtbot.waitUntil(lambda: window.board.cells[3].ticket.text() == "A001", timeout=3000)
    qtbot.waitUntil(lambda: voice.spoken == ["请A零零一号到三号窗口办理"], timeout=3000)
    window.close()
    window._on_pulled(1)  # the sync client outlives the window: a later pull no longer reads for it
    qtbot.wait(50)
    assert not window._reading
    ops.wait()
    announcer.close()
