"""An online command's answer may carry the rows it changed (`result.rows`, e.g. `queue.call_next`): the cache
overlays them at once as the command's pending rows until the pull that confirms them, exactly like an
accepted command's optimistic rows — and a cache reads a window's tickets without parsing the whole day."""

from __future__ import annotations

from sqlalchemy import select

from shared.db.cache import open_cache
from shared.sync import outbox, store
from shared.sync.tables import outbox as outbox_table


def _ticket(pk: str, window_id: int | None, state: str = "waiting") -> dict:
    return {"id": pk, "window_id": window_id, "state": state, "day": "2026-11-23"}


def _confirm(conn, rows: dict[str, dict], seq: int = 1) -> None:  # noqa: ANN001
    store.apply_changes(conn, [{"table": "queue_ticket", "pk": pk, "op": "upsert", "scope": "hall:1", "seq": seq,
                                "row": row} for pk, row in rows.items()])


def test_the_rows_of_an_accepted_answer_show_at_once_until_the_confirming_pull(tmp_path) -> None:  # noqa: ANN001
    engine = open_cache(tmp_path / "cache.sqlite3")
    with engine.begin() as conn:
        _confirm(conn, {"t1": _ticket("t1", None), "t2": _ticket("t2", None)})
        queued = outbox.enqueue(conn, name="queue.call_next", version=1, args={"window_id": 3}, base=None,
                                hlc="0000000000001-00000-dev00001")
    answer = {"seq": queued.seq, "command_id": queued.command_id, "status": "accepted", "server_seq": 9,
              "result": {"ticket_id": "t2", "rows": [{"table": "queue_ticket", "pk": "t2",
                                                      "row": _ticket("t2", 3, "called")}]}}
    with engine.begin() as conn:
        assert outbox.store_results(conn, [answer]) == ([], [])
    with engine.connect() as conn:
        assert store.merged_rows(conn, "queue_ticket")["t2"]["state"] == "called"
        assert store.confirmed_rows(conn, "queue_ticket")["t2"]["state"] == "waiting"
        stored = conn.execute(select(outbox_table.c.status, outbox_table.c.result)).one()
        assert stored == ("accepted", {"ticket_id": "t2"})  # the rows live as pending rows, not twice
        assert outbox.accepted_with_effects(conn) == [queued.command_id]  # the next complete pull drops them
    with engine.begin() as conn:  # the same answer again (a duplicated response) changes nothing
        assert outbox.store_results(conn, [{**answer, "result": {"ticket_id": "t1", "rows": [
            {"table": "queue_ticket", "pk": "t1", "row": _ticket("t1", 3, "called")}]}}]) == ([], [])
    with engine.connect() as conn:
        merged = store.merged_rows(conn, "queue_ticket")
        assert (merged["t1"]["state"], merged["t2"]["state"]) == ("waiting", "called")
    with engine.begin() as conn:
        _confirm(conn, {"t2": _ticket("t2", 3, "called")}, seq=9)
        store.drop_pending(conn, [queued.command_id])
    with engine.connect() as conn:
        assert store.merged_rows(conn, "queue_ticket")["t2"] == _ticket("t2", 3, "called")


def test_a_rejected_answer_leaves_no_rows(tmp_path) -> None:  # noqa: ANN001
    engine = open_cache(tmp_path / "cache.sqlite3")
    with engine.begin() as conn:
        _confirm(conn, {"t1": _ticket("t1", None)})
        queued = outbox.enqueue(conn, name="queue.call_next", version=1, args={"window_id": 3}, base=None,
                                hlc="0000000000001-00000-dev00001")
        rejected, _ = outbox.store_results(conn, [{"seq": queued.seq, "command_id": queued.command_id,
                                                   "status": "rejected", "code": "window_busy", "result": {}}])
        assert [r["code"] for r in rejected] == ["window_busy"]
        assert store.merged_rows(conn, "queue_ticket") == {"t1": _ticket("t1", None)}


def test_a_windows_tickets_are_read_as_merged(tmp_path) -> None:  # noqa: ANN001
    """Pending rows move tickets into and out of the window: the merged value decides, as merged_rows would."""
    engine = open_cache(tmp_path / "cache.sqlite3")
    with engine.begin() as conn:
        _confirm(conn, {"a": _ticket("a", 1, "called"), "b": _ticket("b", 2, "called"), "c": _ticket("c", None)})
        outbox.enqueue(conn, name="queue.transfer", version=1, args={}, base=None, hlc="0000000000001-00000-d1",
                       effects=[("queue_ticket", "a", _ticket("a", None)), ("queue_ticket", "b", _ticket("b", 1))])
    with engine.connect() as conn:
        assert store.merged_rows_with(conn, "queue_ticket", "window_id", 1) == {"b": _ticket("b", 1)}
        assert store.merged_rows_with(conn, "queue_ticket", "window_id", 2) == {}
        assert store.merged_rows(conn, "queue_ticket", ["a", "c"]) == {"a": _ticket("a", None),
                                                                       "c": _ticket("c", None)}


def test_the_newest_pending_row_of_a_key_wins_whatever_lies_beneath(tmp_path) -> None:  # noqa: ANN001
    """Several commands on one row between two pulls (a window's call, start, finish…): the newest command's row
    is what the user sees (only it is parsed), a newer deletion hides the row, rows keep their places."""
    engine = open_cache(tmp_path / "cache.sqlite3")

    def queue(conn, effects: list[tuple[str, dict | None]]) -> None:  # noqa: ANN001
        outbox.enqueue(conn, name="queue.start", version=1, args={}, base=None, hlc="0000000000001-00000-d1",
                       effects=[("queue_ticket", pk, row) for pk, row in effects])

    with engine.begin() as conn:
        _confirm(conn, {"a": _ticket("a", None), "b": _ticket("b", None), "c": _ticket("c", None)})
        queue(conn, [("a", _ticket("a", 1, "called")), ("n", _ticket("n", None))])
        queue(conn, [("a", _ticket("a", 1, "serving")), ("b", None)])
        queue(conn, [("a", _ticket("a", 1, "finished")), ("m", _ticket("m", None))])
        queue(conn, [("c", None)])
        queue(conn, [("c", _ticket("c", 2, "called"))])
    with engine.connect() as conn:
        merged = store.merged_rows(conn, "queue_ticket")
        assert merged == {"a": _ticket("a", 1, "finished"), "c": _ticket("c", 2, "called"),
                          "n": _ticket("n", None), "m": _ticket("m", None)}
        assert list(merged) == ["a", "c", "n", "m"]  # confirmed rows in place, new ones as they were queued
        assert store.merged_rows(conn, "queue_ticket", ["a", "b"]) == {"a": _ticket("a", 1, "finished")}
        assert store.merged_rows_with(conn, "queue_ticket", "window_id", 1, {"state": ("called", "serving")}) == {}
        assert store.merged_rows_with(conn, "queue_ticket", "window_id", 2, {"state": ("called", "serving")}) == {
            "c": _ticket("c", 2, "called")}
