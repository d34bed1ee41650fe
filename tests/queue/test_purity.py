"""The queue core stays pure: no Qt, SQLAlchemy, HTTP or database imports, and no hidden clock."""

import ast
from pathlib import Path

import shared.queue

PACKAGE = Path(shared.queue.__file__).parent
ALLOWED_SHARED = {"shared.errors", "shared.validation", "shared.calendar", "shared.china_time"}
STDLIB = {"__future__", "dataclasses", "datetime", "enum", "math", "collections", "re", "typing"}
CLOCK_METHODS = {"now", "today", "utcnow"}  # datetime.now(), date.today()  # noqa: wall-clock (names, not reads)
TIME_MODULE_CALLS = {"time", "monotonic", "perf_counter", "time_ns"}  # time.time() …


def _modules() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.glob("*.py"))}


def test_imports_only_the_standard_library_and_the_shared_basics() -> None:
    offenders = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            targets = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for target in targets:
                top = target.split(".")[0]
                if not (top in STDLIB or target in ALLOWED_SHARED or target == "shared.queue"
                        or target.startswith("shared.queue.")):
                    offenders.append(f"{name}: {target}")
    assert offenders == []


def test_no_function_reads_the_system_clock() -> None:
    offenders = [f"{name}: {node.func.attr}" for name, tree in _modules().items() for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and (node.func.attr in CLOCK_METHODS
                      or (node.func.attr in TIME_MODULE_CALLS and isinstance(node.func.value, ast.Name)
                          and node.func.value.id == "time"))]
    assert offenders == []


def test_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 300, sizes
