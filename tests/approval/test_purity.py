"""The approval core stays pure: standard library, shared helpers, chinesecalendar and cryptography only —
no Qt, no SQLAlchemy, no HTTP — so server handlers, the offline client and simulations can all drive it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import shared.approval
import shared.crypto

# tongsuopy: SM2 signing/verification of notices (shared.crypto.sm2), which `cryptography` lacks
ALLOWED_THIRD_PARTY = {"chinese_calendar", "cryptography", "tongsuopy"}
ALLOWED_SHARED = {"shared.approval", "shared.crypto", "shared.calendar", "shared.china_time", "shared.errors",
                  "shared.validation"}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_standard_library_and_allowed_packages_are_imported() -> None:
    offenders = []
    for package in (shared.approval, shared.crypto):
        for path in Path(package.__file__).parent.glob("*.py"):
            for name in imports(path):
                top = name.split(".")[0]
                ok = (top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or name == "__future__"
                      or any(name == s or name.startswith(s + ".") for s in ALLOWED_SHARED))
                if not ok:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
