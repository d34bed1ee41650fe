"""Every literal UI text of the kiosk and the desktop client reaches Qt Linguist: each self.tr("…") and
Q(Core)Application.translate("ctx", "…") in the package is in its i18n/govhall_<package>_zh_CN.ts under the
context Qt looks it up in at run time (the class name for self.tr). Regenerate a file with, e.g.:
    .venv/bin/pyside6-lupdate $(git ls-files 'kiosk/*.py') -source-language zh_CN -target-language zh_CN \\
        -no-obsolete -locations relative -ts kiosk/i18n/govhall_kiosk_zh_CN.ts"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "client")


def ts_path(package: str) -> Path:
    return ROOT / package / "i18n" / f"govhall_{package}_zh_CN.ts"


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def source_texts(package: str) -> tuple[set[tuple[str, str]], list[str]]:
    """((context, text) of every literal translate call, calls lupdate cannot see: "file:line text")."""
    found, hidden = set(), []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for call in [n for n in ast.walk(cls) if isinstance(n, ast.Call)]:
                f = call.func
                if (isinstance(f, ast.Attribute) and f.attr == "tr" and isinstance(f.value, ast.Name)
                        and f.value.id == "self" and call.args and _literal(call.args[0]) is not None):
                    found.add((cls.name, _literal(call.args[0])))
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
            f = call.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
            if name == "translate" and owner in ("QCoreApplication", "QApplication") and len(call.args) >= 2:
                if _literal(call.args[0]) is not None and _literal(call.args[1]) is not None:
                    found.add((_literal(call.args[0]), _literal(call.args[1])))
            elif name in ("tr", "_t") and owner != "self" and call.args and _literal(call.args[0]) is not None:
                hidden.append(f"{path.relative_to(ROOT)}:{call.lineno} {_literal(call.args[0])}")
    return found, hidden


def ts_texts(package: str) -> set[tuple[str, str]]:
    root = ET.parse(ts_path(package)).getroot()
    return {(ctx.findtext("name") or "", m.findtext("source") or "")
            for ctx in root.iter("context") for m in ctx.iter("message")}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_text_is_in_the_linguist_file(package: str) -> None:
    found, _ = source_texts(package)
    assert len(found) > 60  # the scan itself works
    missing = sorted(found - ts_texts(package))
    assert not missing, f"run pyside6-lupdate (see this module's docstring); missing: {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_literal_goes_through_a_wrapper_lupdate_cannot_read(package: str) -> None:
    _, hidden = source_texts(package)
    assert hidden == [], "use self.tr(...) or QCoreApplication.translate(\"Kiosk\", ...) for literals"


@pytest.mark.parametrize("package", PACKAGES)
def test_the_file_declares_chinese_as_the_source_language(package: str) -> None:
    root = ET.parse(ts_path(package)).getroot()
    assert root.get("sourcelanguage") == "zh_CN" and root.get("language") == "zh_CN"
