"""The in-process part of bench/client.py: a workstation cache with N cases, the approver signing in, the
待办 list, search and scrolling — timed on the real widgets, with a watchdog timer measuring GUI stalls."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path


def _wait(app, predicate, timeout: float = 30.0) -> float:  # noqa: ANN001
    began = time.perf_counter()
    while not predicate():
        app.processEvents()
        if time.perf_counter() - began > timeout:
            raise TimeoutError("the client did not get there in time")
        time.sleep(0.0005)
    return time.perf_counter() - began


class Watchdog:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the worst freeze."""

    def __init__(self, QTimer) -> None:  # noqa: ANN001, N803
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(5)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0


def measure(n: int, generate, day: dt.date) -> dict:  # noqa: ANN001
    from sqlalchemy.orm import Session

    from gui.ops import Ops
    from gui.qt import QApplication, QTimer
    from gui.fonts import apply_chinese_font
    from client.services.auth import StaffSession
    from client.services.context import build_services
    from client.services.workstation import Workstation
    from client.windows.main_window import MainWindow
    from client.devices import Devices
    from bench.day import at
    from tests.clock import TickingClock
    from shared.db.cache import open_cache
    from shared.demo.loader import load_demo

    app = QApplication.instance() or QApplication([])
    apply_chinese_font(app)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_cache(Path(tmp) / "cache.sqlite3")
        with Session(engine) as session:
            load_demo(session, password_iterations=1000)
            session.commit()
        began = time.perf_counter()
        generate(engine, n, day)
        lines.append(f"generated {n:,} cases into the cache in {time.perf_counter() - began:.1f} s")

        roles = ("approver", "head", "reviewer", "verifier")  # the demo approver's login
        session = StaffSession("approver", "李建国", "DG0201", roles, 1, None, None, offline=True)
        ws = Workstation(Path(tmp), device_id="bench", device_token="t")
        ops = Ops()
        watchdog = Watchdog(QTimer)
        began = time.perf_counter()
        # the workstation lives on the generated day (near-due and overdue lists are relative to it)
        services = build_services(ws, session, engine, clock=TickingClock(at(day, 10)))
        window = MainWindow(services, ops, Devices({}))
        window.resize(1920, 1080)
        window.show()
        view = window.workspace
        _wait(app, lambda: view.model.rowCount() > 0 and view.model.rows)
        workspace = time.perf_counter() - began
        total = view.model.rowCount()
        lines.append(f"待办 list: {total:,} of {n:,} cases")

        def timed_list(change) -> float:  # noqa: ANN001
            view.model.set_ids([])
            app.processEvents()
            watchdog.reset()
            t0 = time.perf_counter()
            change()
            _wait(app, lambda: view.model.rowCount() > 0 and view.model.case_id(0) in view.model.rows)
            view.table.viewport().repaint()
            return (time.perf_counter() - t0) * 1000

        first = [timed_list(lambda: view.set_filter(kind="todo", search="")) for _ in range(3)]
        first_rows = sorted(first)[1]
        lines.append(f"first rows of 待办: {first_rows:.0f} ms (runs: {', '.join(f'{x:.0f}' for x in first)}); "
                     f"worst GUI stall {watchdog.worst * 1000:.0f} ms")
        searches = [timed_list(lambda q=q: view.set_filter(search=q)) for q in ("SL202609", "张", "特种设备")]
        search = sorted(searches)[1]
        lines.append(f"search to rows on screen: {search:.0f} ms (runs: {', '.join(f'{x:.0f}' for x in searches)}); "
                     f"worst GUI stall {watchdog.worst * 1000:.0f} ms")
        view.set_filter(search="")
        _wait(app, lambda: view.model.rowCount() == total)
        watchdog.reset()
        t0 = time.perf_counter()
        view.table.scrollToBottom()
        last = view.model.case_id(total - 1)
        _wait(app, lambda: last in view.model.rows)
        lines.append(f"scroll to the last of {total:,} rows: {(time.perf_counter() - t0) * 1000:.0f} ms; "
                     f"worst GUI stall {watchdog.worst * 1000:.0f} ms")
        window.close()
        ops.wait(10000)
        lines += _later_logins(app, engine, n, lambda: build_services(ws, session, engine),
                               lambda services: MainWindow(services, ops, Devices({})), Path(tmp))
        ops.wait(10000)
        engine.dispose()
    return {"lines": lines, "workspace": workspace, "first_rows": first_rows, "search": search}


def _later_logins(app, engine, n: int, services_for, window_for, data: Path) -> list[str]:  # noqa: ANN001
    """The next login on this workstation (the case index starts from its snapshot), and catching up after
    a pull that changed a few cases."""
    import json

    from shared.sync import store
    snapshot = data / "case_index.bin"
    _wait(app, snapshot.exists, timeout=120)  # written a little after the first login's build
    began = time.perf_counter()
    services = services_for()
    window = window_for(services)
    window.resize(1920, 1080)
    window.show()
    view = window.workspace
    _wait(app, lambda: view.model.rowCount() > 0 and view.model.rows)
    again = time.perf_counter() - began
    index = services.case_index
    read_before = index.read_rows
    with engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT pk, row FROM sync_confirmed WHERE tbl = 'approval_case' LIMIT 5").all()
        changes = [{"table": "approval_case", "pk": pk, "op": "upsert", "scope": "hall:1", "seq": 2 + i,
                    "row": {**json.loads(row), "status": "closed"}} for i, (pk, row) in enumerate(rows)]
        store.apply_changes(conn, changes)
        store.write_cursors(conn, {"hall:1": 10})
    t0 = time.perf_counter()
    index.ensure()
    caught_up = time.perf_counter() - t0
    window.close()
    return [f"next login (case index from its snapshot) to the first rows: {again:.2f} s",
            f"after a pull of 5 changed cases the index caught up in {caught_up * 1000:.0f} ms, "
            f"reading {index.read_rows - read_before} of {n:,} case rows"]
