"""The dependency rule: no Qt below the GUI layers (shared/, server/, drivers/ outside drivers/qt/); the two
applications share the `gui` package and never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _python_files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "qt" not in p.relative_to(ROOT / package).parts[:1]]


def test_no_qt_below_gui_layers() -> None:
    offenders = [str(p.relative_to(ROOT)) for pkg in ("shared", "server", "drivers")
                 for p in _python_files(pkg) if "PySide6" in _imports(p)]
    assert offenders == [], f"PySide6 imported below the GUI layers: {offenders}"


def test_lower_layers_do_not_import_upper_layers() -> None:
    rules = {"shared": {"server", "client", "kiosk", "drivers", "gui"},
             "drivers": {"server", "client", "kiosk"}, "server": {"client", "kiosk", "gui"},
             "gui": {"server", "client", "kiosk", "drivers"},
             "client": {"kiosk"}, "kiosk": {"client"}}
    offenders = [f"{p.relative_to(ROOT)} imports {sorted(_imports(p) & banned)}"
                 for pkg, banned in rules.items() for p in (ROOT / pkg).rglob("*.py") if _imports(p) & banned]
    assert offenders == []


def test_project_never_reads_the_design_folder_beside_it() -> None:
    needle = "../" + "shared"
    offenders = [str(p.relative_to(ROOT)) for pkg in ("client", "kiosk", "gui", "server", "shared", "drivers", "bench",
                                                      "installers", "tests")
                 for p in (ROOT / pkg).rglob("*") if p.is_file() and p.suffix in (".py", ".sh", ".cfg", ".toml")
                 and needle in p.read_text(encoding="utf-8", errors="replace")]
    assert offenders == []
