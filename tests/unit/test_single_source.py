"""One source of truth (issue 13): each rule below is written once. The test fails when a second copy comes
back — a China time-zone constant, a masking function, a row codec's decoding or "stopped" rule, the lease
check, a command savepoint outside CommandSpec, or a literal copy of a named status set — anywhere in the
code the programs run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shared.approval.lifecycle import CLOSED_OR_TERMINAL_NAMES, TERMINAL_NAMES
from shared.queue.tickets import ACTIVE_STATE_NAMES, FINAL_STATE_NAMES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "server", "client", "kiosk", "drivers", "gui", "bench")

# rule → (the one module allowed to hold it, what a copy looks like)
RULES = {
    "China time zone": ("shared/china_time.py", re.compile(r"timedelta\(\s*hours\s*=\s*\+?8\s*\)|ZoneInfo\(|"
                                                           r"Asia/Shanghai|Asia/Chongqing|hours=8\)")),
    "masking": ("shared/validation.py", re.compile(r"^\s*def\s+_?mask(_\w+)?\(", re.M)),
    "ticket periods decoding": ("shared/protocol/queue_rows.py", re.compile(r"PeriodKind\(\s*\w+\[")),
    "ticket issue-time decoding": ("shared/protocol/queue_rows.py", re.compile(r"IssueTime\(\*\s*row|"
                                                                               r"IssueTime\(int\(")),
    # a computed value (a benchmark's fixture row may write a constant)
    "case clocks summary": ("shared/approval/rows.py", re.compile(r"[\"']stopped[\"']\s*:(?!\s*(False|True))")),
    # the block's series compared with the command's (series, hall, prefix, day)
    # CommandSpec.run owns the savepoint around a handler (no domain wraps its handlers in one of its own)
    "command savepoint": ("server/sync/registry.py", re.compile(r"begin_nested\(")),
    "lease check": ("server/sync/leases.py", re.compile(r"\.series,\s*\w+\.hall_id,\s*\w+\.prefix,\s*\w+\.day\)")),
}
# A dispatcher over the shared masks (resident ID or phone), not a policy of its own; the archive job's savepoint
# is one finished case's archive, not a command's (one case's failure must not undo the others in the run); the
# group commit's is one whole push's (a refused push must not undo the others sharing its transaction).
ALLOWED = {("masking", "shared/approval/personal.py"), ("command savepoint", "server/archive/assemble.py"),
           ("command savepoint", "server/sync/group_commit.py")}
NAMED_SETS = {"TicketState ACTIVE_STATES": ACTIVE_STATE_NAMES, "TicketState FINAL_STATES": FINAL_STATE_NAMES,
              "CaseStatus TERMINAL": TERMINAL_NAMES, "CaseStatus CLOSED_OR_TERMINAL": CLOSED_OR_TERMINAL_NAMES}


def sources() -> list[tuple[str, str]]:
    return [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
            for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_is_written_in_one_module(rule: str) -> None:
    home, pattern = RULES[rule]
    copies = [f"{path}:{text[:m.start()].count(chr(10)) + 1}" for path, text in sources() if path != home
              and (rule, path) not in ALLOWED for m in pattern.finditer(text)]
    assert copies == [], f"{rule} belongs in {home} only"
    assert pattern.search((ROOT / home).read_text(encoding="utf-8")), f"{home} no longer holds the {rule}"


def test_no_literal_copy_of_a_named_status_set() -> None:
    copies = []
    for path, text in sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                values = frozenset(e.value for e in node.elts)
                copies += [f"{path}:{node.lineno} repeats {name}" for name, named in NAMED_SETS.items()
                           if values == named]
    assert copies == []


def test_the_guard_sees_a_copy() -> None:
    """The patterns match what they are meant to catch (a guard that matches nothing would always pass)."""
    samples = {"China time zone": "TZ = dt.timezone(dt.timedelta(hours=8))", "masking": "def mask_id(n):",
               "ticket periods decoding": 'Period(PeriodKind(p["kind"]), …)',
               "ticket issue-time decoding": 'IssueTime(*row["issued_at"])',
               "case clocks summary": '{"stopped": bool(x)}',
               "command savepoint": "with session.begin_nested():",
               "lease check": "(series.series, series.hall_id, series.prefix, series.day) != key"}
    assert {rule for rule, sample in samples.items() if RULES[rule][1].search(sample)} == set(RULES)
