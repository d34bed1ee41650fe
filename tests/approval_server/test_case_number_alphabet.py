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
