"""Desktop client benchmarks: `python -m bench.client [--cases N]`. Prints figures (not a timed test), ending
with one line: start=<s> workspace=<s> first_rows=<ms> search=<ms>.

- start: a fresh process (`python -m client`) until its login window is on screen (median of 3).
- workspace: after sign-in, building the workstation's services and the approver's main window until the
  first rows of 待办 are on screen — over a cache holding N generated cases (default 100,000).
- first_rows: opening the 待办 list (ids queried, first page fetched off the GUI thread, painted).
- search: typing a search term until the matching rows are on screen (debounce excluded).
Also: the longest GUI event-loop stall during the list work (the window must never freeze), and scrolling to
the end of the list. Targets: start ≤ 2 s, first rows ≤ 300 ms, search ≤ 200 ms."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.day import add_day_argument  # noqa: E402  (after the Qt platform is chosen)

ROOT = Path(__file__).resolve().parents[1]


def cold_start(runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            # a registered workstation (an unregistered one opens on 扫码登记本机 instead)
            registered = '[workstation]\ndevice_id = "bench"\ndevice_token = "bench"\n'
            Path(data, "workstation.toml").write_text(registered, encoding="utf-8")
            env = {**os.environ, "GOVHALL_BENCH": "login", "QT_QPA_PLATFORM": "offscreen"}
            began = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "client", "--data-dir", data], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=60)
            elapsed = time.perf_counter() - began
            if "login_shown" not in out.stdout:
                raise SystemExit(f"client did not show its login window:\n{out.stdout}\n{out.stderr}")
            times.append(elapsed)
    return statistics.median(times)


def generate_cases(engine, n: int, today: dt.date) -> None:  # noqa: ANN001
    """N case rows as the server would publish them: a third at the reviewer's step, due days spread around
    today so that near-due and overdue lists are not empty."""
    rng = random.Random(7)
    items = ["00785", "00790", "00775", "00780", "00777"]  # demo catalogue item codes
    steps = [("review", "reviewer"), ("verify", "verifier"), ("decide", "head"), ("close", "clerk")]
    from shared.sync.cache_seal import sealer_of
    sealer = sealer_of(engine)  # names sealed as a pull would store them (an open_cache cache seals them)
    names = "张王李赵刘陈杨黄周吴"
    rows = []
    for i in range(n):
        step, role = steps[i % len(steps)]
        due = today + dt.timedelta(days=rng.randint(-10, 30))
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        row = {  # shared.protocol.approval.CaseRow
            "id": case_id, "hall_id": 1, "case_number": f"SL2026{i + 1:06d}", "item_code": items[i % len(items)],
            "situation_code": f"{items[i % len(items)]}-S01", "definition_version": 1,
            "applicant_name": names[i % 10] + "*", "applicant_kind": "person",
            "applicant_id_masked": "440104********1234", "applicant_key": "", "department": "特种设备安全监察科",
            "status": "in_review", "version": 2, "current_steps": [step], "step_roles": [role],
            "clocks": {"statutory_due": due.isoformat(), "remaining_working_days": None, "promised_due": None,
                       "stopped": False, "provisional": False, "card": "green", "as_of": today.isoformat()},
            "received_on": (due - dt.timedelta(days=28)).isoformat(), "urgent": False}
        if sealer is not None:
            row = sealer.seal_row("approval_case", case_id, row)
        rows.append((case_id, json.dumps(row, ensure_ascii=False)))
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO sync_confirmed (tbl, pk, scope, seq, row) VALUES ('approval_case', ?, "
                             "'hall:1', 1, ?)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.client")
    parser.add_argument("--cases", type=int, default=100_000)
    add_day_argument(parser, what="the day the generated cases' deadlines are spread around")
    args = parser.parse_args()
    start = cold_start()
    print(f"cold start to the login window (median of 3): {start:.2f} s")
    from bench.client_gui import measure
    figures = measure(args.cases, generate_cases, args.day)
    for line in figures["lines"]:
        print(line)
    print(f"start={start:.2f} workspace={figures['workspace']:.2f} first_rows={figures['first_rows']:.0f} "
          f"search={figures['search']:.0f}")


if __name__ == "__main__":
    main()
