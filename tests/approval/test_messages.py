"""Every error code the approval engine can raise has a Chinese message."""

from __future__ import annotations

import re
from pathlib import Path

import shared.approval
import shared.crypto
from shared.approval.messages import MESSAGES, message_for

CODE = re.compile(r'(?:code=|code = |InvalidCommand\(|DefinitionProblem\(|P\()"([a-z_0-9]+)"')
TEXT_FIELD = re.compile(r'require_text\([^,]+, "([a-z_]+)"\)')


def codes_in_source() -> set[str]:
    codes = set()
    for package in (shared.approval, shared.crypto):
        for path in Path(package.__file__).parent.glob("*.py"):
            text = path.read_text(encoding="utf-8")
            codes |= set(CODE.findall(text)) | {f"{f}_required" for f in TEXT_FIELD.findall(text)}
    return codes


def test_every_code_has_a_message() -> None:
    found = codes_in_source()
    assert len(found) > 50
    assert sorted(found - MESSAGES.keys()) == []


def test_unknown_codes_fall_back() -> None:
    assert message_for("no_such_code") == MESSAGES["approval_error"]
    assert message_for("stale_command") == "办件已被他人处理，请刷新后重试"
