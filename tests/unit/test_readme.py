"""The README is the newcomer's manual: its tables must render as tables, and every program, subcommand and
file it names must exist. (bench/ and drivers/ have READMEs of their own, checked the same way.)"""

from __future__ import annotations

import functools
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
READMES = [ROOT / "README.md", ROOT / "bench" / "README.md", ROOT / "drivers" / "README.md"]
TOP_LEVEL = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")}
PATH_LIKE = re.compile(r"^[\w.\-]+(/[\w.\-@]*)+$")


def _tokens(path: Path) -> list:
    return MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))


def _source_table_lines(text: str) -> list[int]:
    """0-based numbers of the lines that are meant as table rows: they start with a pipe, outside code fences."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.lstrip().startswith("|"):
            lines.append(number)
    return lines


@pytest.mark.parametrize("path", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_line_renders_inside_a_table(path: Path) -> None:
    """A blank line or a paragraph inside a table ends it: the rows after it render as plain text."""
    tokens = _tokens(path)
    rendered: set[int] = set()
    for token in tokens:
        if token.type == "table_open":
            rendered.update(range(*token.map))
    stray = [n + 1 for n in _source_table_lines(path.read_text(encoding="utf-8")) if n not in rendered]
    assert stray == [], f"{path.name}: lines {stray} start with '|' but are not part of a rendered table"


@pytest.mark.parametrize("path", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_table_rows_have_as_many_cells_as_the_header(path: Path) -> None:
    tokens, problems = _tokens(path), []
    widths: list[int] = []
    for i, token in enumerate(tokens):
        if token.type == "thead_open":
            widths = []
        if token.type == "tr_open":
            cells = 0
            for t in tokens[i + 1:]:
                if t.type == "tr_close":
                    break
                cells += t.type in ("th_open", "td_open")
            widths.append(cells)
            source = path.read_text(encoding="utf-8").splitlines()[token.map[0]]
            written = len(re.findall(r"(?<!\\)\|", source.strip().strip("|"))) + 1
            if written != widths[0]:
                problems.append(f"line {token.map[0] + 1}: {written} cells, header has {widths[0]}")
    assert problems == [], f"{path.name}: {problems}"


def _code_texts(path: Path) -> list[str]:
    texts = []
    for token in _tokens(path):
        if token.type in ("fence", "code_block"):
            texts.extend(token.content.splitlines())
        for child in token.children or []:
            if child.type == "code_inline":
                texts.append(child.content)
    return texts


@pytest.mark.parametrize("path", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_files_exist(path: Path) -> None:
    missing = []
    for text in _code_texts(path):
        for word in text.split():
            word = word.strip("`'\",;:()[]")
            candidate = word.split("[")[0].split("…")[0].rstrip("/.")
            if not PATH_LIKE.match(candidate) or candidate.split("/")[0] not in TOP_LEVEL:
                continue
            if "screenshots" in candidate or candidate.startswith(("data/", ".venv/")):
                continue  # made by running things
            if not (ROOT / candidate).exists():
                missing.append(candidate)
    for link in re.findall(r"\]\(([^)#]+)\)", path.read_text(encoding="utf-8")):
        if "://" not in link and not (path.parent / link).exists():
            missing.append(link)
    assert missing == [], f"{path.name} names files that do not exist: {sorted(set(missing))}"


@functools.cache
def _help(module: str) -> str:
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, f"python -m {module} --help failed: {done.stderr[-500:]}"
    return done.stdout


def _commands(path: Path) -> list[list[str]]:
    commands = []
    for text in _code_texts(path):
        text = text.split("#")[0].strip()
        match = re.search(r"python -m ([\w.]+)(.*)", text)
        if match:
            try:
                rest = shlex.split(match.group(2))
            except ValueError:
                rest = match.group(2).split()
            commands.append([match.group(1), *rest])
        elif re.search(r"installers/dev\.sh\b", text):
            commands.append(["installers/dev.sh", *text.split("installers/dev.sh", 1)[1].split()])
    return commands


@pytest.mark.slow
@pytest.mark.parametrize("path", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_commands_exist(path: Path) -> None:
    """`python -m X sub` needs a module X whose --help lists `sub`; `installers/dev.sh sub` a case for sub."""
    dev_sh = (ROOT / "installers" / "dev.sh").read_text(encoding="utf-8")
    dev_cases = set(re.findall(r"^\s+([\w|-]+)\)", dev_sh, flags=re.M))
    dev_subs = {s for case in dev_cases for s in case.split("|")}
    problems = []
    for command in _commands(path):
        module, args = command[0], command[1:]
        words = [a for a in args if re.fullmatch(r"[a-z][a-z-]+", a)]
        if module == "installers/dev.sh":
            if words and words[0] not in dev_subs:
                problems.append(f"installers/dev.sh {words[0]}")
            continue
        if importlib.util.find_spec(module) is None:
            problems.append(f"python -m {module}: no such module")
            continue
        alternatives = re.split(r"\\?\|", args[0].strip("[]")) if args and not args[0].startswith("-") else []
        for word in alternatives:
            if re.fullmatch(r"[a-z][a-z-]+", word) and not re.search(rf"\b{re.escape(word)}\b", _help(module)):
                problems.append(f"python -m {module} {word}: not a command of its --help")
    assert problems == [], f"{path.name} names commands that do not exist: {sorted(set(problems))}"
