"""Every code the queue can raise has a Chinese text: found by reading the package's source."""

import ast
from pathlib import Path

import shared.queue
from shared.queue.messages import MESSAGES, message_for

PACKAGE = Path(shared.queue.__file__).parent
_RAISING = {"IssueRefused", "BookingRefused", "CallRefused", "RatingRefused", "InvalidConfiguration", "_positive"}


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _RAISING
                    and node.args and isinstance(node.args[0], ast.Constant)):
                codes.add(node.args[0].value)
    return codes


def test_every_raised_code_has_a_message() -> None:
    codes = _codes_in_source() | {"am_quota_exhausted", "pm_quota_exhausted", "wrong_ticket_state",
                                  "ticket_claimed_elsewhere", "bad_check_character", "wrong_length"}
    assert len(codes) > 40
    assert sorted(codes - MESSAGES.keys()) == []


def test_the_quota_message_the_dispenser_shows() -> None:
    assert message_for("quota_exhausted") == "今日该业务号已取完"
    assert message_for("no_such_code") == "操作未能完成"
