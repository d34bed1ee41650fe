"""No test or benchmark reads the wall clock: the suite must pass on any day and hour (nights, weekends,
holidays, years whose holiday calendar is not published), so every test pins its time (tests/clock.py) and
every benchmark takes its simulated day as an argument (bench/day.py). A deliberate read carries
`# noqa: wall-clock` on its line, with the reason next to it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARK = "# noqa: wall-clock"

# (receiver, method) pairs that read the current date or time; time.monotonic/perf_counter measure durations.
READS = {("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"),
         ("time", "time"), ("time", "time_ns")}
# time functions that read the clock only when called without a timestamp.
READS_WITHOUT_ARGS = {("time", "localtime"), ("time", "gmtime"), ("time", "ctime"), ("time", "asctime")}


def _tail(func: ast.expr) -> tuple[str, str] | None:
    """(receiver, method) of `x.y.receiver.method(...)`, or None for other calls."""
    if isinstance(func, ast.Attribute):
        receiver = func.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
        return (name, func.attr) if name else None
    return None


def wall_clock_reads(source: str) -> list[int]:
    """Line numbers of unmarked wall-clock reads in a Python source (including `from time import time`)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    bare = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module == "time" for alias in node.names if alias.name in ("time", "time_ns")}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        tail = _tail(node.func)
        reads = (tail in READS or (tail in READS_WITHOUT_ARGS and not node.args)
                 or (isinstance(node.func, ast.Name) and node.func.id in bare))
        if reads and MARK not in lines[node.lineno - 1]:
            found.append(node.lineno)
    return sorted(found)


def test_the_scanner_sees_every_form() -> None:
    source = "\n".join([
        "import datetime as dt", "import time", "from datetime import date, datetime", "from time import time as t",
        "dt.datetime.now(dt.timezone.utc)", "datetime.now()", "date.today()", "dt.date.today()", "time.time()",  # noqa: wall-clock
        "t()", "time.localtime()", "datetime.utcnow()",
        "time.localtime(0)", "time.monotonic()", "clock.now()", "dt.datetime.now()  # noqa: wall-clock  (why)",
    ])
    assert wall_clock_reads(source) == list(range(5, 13))


def test_no_test_or_benchmark_reads_the_wall_clock() -> None:
    offenders = []
    for folder in ("tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            offenders += [f"{rel}:{line}" for line in wall_clock_reads(path.read_text(encoding="utf-8"))]
    assert offenders == [], ("these read the wall clock; pin the time (tests/clock.py, bench/day.py) or, when "
                             f"the read is deliberate, mark the line {MARK!r}: {offenders}")
