"""Case numbers reach file names and the notice download's header (issue 18): new ones are a safe alphabet,
and a stored one with Chinese characters or CR/LF still downloads, with its header encoded (RFC 5987)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import update

from server.approval.models import ApprovalCase
from tests.approval_server.support import receive
from tests.fixtures.server import login


@pytest.mark.parametrize("case_number", ["DG2026-中文-001", "DG2026-X\r\nSet-Cookie: a=b", 'DG2026-"x"'])
def test_a_case_number_outside_the_safe_alphabet_is_refused(desks, case_number: str) -> None:  # noqa: ANN001
    _, result = receive(desks["clerk"], case_number=case_number, number=None, block_id=None)
    assert result["status"] == "rejected" and result["http_status"] == 422, result
    assert "case_number" in str(result["details"])


def test_a_stored_case_number_with_chinese_and_crlf_still_downloads_safely(desks, client, database) -> None:  # noqa: ANN001
    if database.engine.dialect.name != "sqlite":
        pytest.skip("notices are rendered once, on SQLite")
    case_id, result = receive(desks["clerk"])
    assert result["status"] == "accepted", result
    hostile = "DG中文\r\nX-Evil: 1"
    with database.session() as s:  # a row written before the alphabet was enforced
        s.execute(update(ApprovalCase).where(ApprovalCase.id == case_id).values(case_number=hostile))
    r = client.get(f"/api/v1/cases/{case_id}/notices/receipt", headers=login(client, "clerk"))
    assert r.status_code == 200, r.text
    assert "x-evil" not in r.headers
    disposition = r.headers["content-disposition"]
    assert "\r" not in disposition and "\n" not in disposition and disposition.isascii()
    assert 'filename="DG_X-Evil_1-receipt.pdf"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"{hostile}-receipt.pdf"


def test_a_command_moment_far_from_now_is_refused_whatever_its_form(desks) -> None:  # noqa: ANN001
    """Dates are parsed within 1900–2199 (issue 18), also when given as a Unix number (19,999,999,999 s is
    the year 2603): the command is rejected with the reason, nothing is stored."""
    _, result = receive(desks["clerk"], at=19_999_999_999, case_number="DG2603-AB-001", number=None, block_id=None)
    assert (result["status"], result["code"], result["http_status"]) == ("rejected", "invalid_args", 422), result
    assert {"field": "at", "type": "date_out_of_range"} in result["details"]["problems"]


@pytest.mark.parametrize("at", ["0001-01-02T10:00:00+08:00", "9999-12-30T10:00:00+08:00"])
def test_a_push_with_an_iso_moment_far_from_now_is_refused_whole(desks, at: str) -> None:  # noqa: ANN001
    desk = desks["clerk"]
    with pytest.raises(AssertionError, match="date_out_of_range"):  # Desk.push wants 200: the push got 422
        receive(desk, at=at, case_number="DG2026-AB-001", number=None, block_id=None)
