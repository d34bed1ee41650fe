"""Case progress on the citizens' phone page in a real browser (issue 17): each step as the case moves, and a
wrong query code refused with the same words as an unknown case."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared.approval import commands as cmd
from tests.approval_server.support import command, receive
from tests.approval_server.test_citizen_progress import code_of
from tests.browser import screenshot
from tests.live import live_server
from tests.queue_server.test_citizen_pages import by_id, visible_text, wait_for

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("GOVHALL_SHOTS", "/tmp/shots-mobile"))


def look(driver, number: str, code: str) -> str:  # noqa: ANN001
    """Submit the form; the stages as shown (one line each), or the error."""
    for id_, text in (("progress-number", number), ("progress-code", code)):
        by_id(driver, id_).clear()
        by_id(driver, id_).send_keys(text)
    driver.execute_script("document.getElementById('progress-card').hidden = true;"
                          "document.getElementById('error').hidden = true;")
    by_id(driver, "progress-submit").click()
    return wait_for(driver, lambda d: visible_text(d, "progress-stages") or visible_text(d, "error"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_progress_at_each_step_and_a_wrong_code(app, desks, database, size, request) -> None:  # noqa: ANN001
    driver = request.getfixturevalue(f"{size}_browser")
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, _ = receive(clerk)
    number, code = code_of(database, case_id)
    with live_server(app) as url:
        driver.get(f"{url}/m/?hall=DG-HALL-1#progress")
        wait_for(driver, lambda d: by_id(d, "progress-form").is_displayed())
        shown = look(driver, number, code)
        assert "受理（当前环节）" in shown and "收件（已完成）" in shown
        assert "东" in visible_text(driver, "progress-applicant") and "东莞测试有限公司" not in driver.page_source
        screenshot(driver, SHOTS / f"{size}-progress-received.png")
        clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
        shown = look(driver, number, code)
        assert "受理（已完成）" in shown and shown.count("（当前环节）") == 1
        approver.send(command(cmd.Grant, case_id, 2, "in_review", "2026-11-03", approver, step="decide",
                              opinion="同意"))
        clerk.send(command(cmd.Close, case_id, 3, "decided_granted", "2026-11-03", clerk))
        shown = look(driver, number, code)
        assert "办结（已完成）" in shown and visible_text(driver, "progress-status") == "已办结"
        screenshot(driver, SHOTS / f"{size}-progress-closed.png")
        by_id(driver, "large-toggle").click()
        screenshot(driver, SHOTS / f"{size}-progress-closed-large.png")
        by_id(driver, "large-toggle").click()
        wrong = look(driver, number, "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB")
        unknown = look(driver, "DG-2026-NOPE", code)
        assert wrong == unknown == "案件编号或查询码不正确"
        assert not by_id(driver, "progress-card").is_displayed()
        screenshot(driver, SHOTS / f"{size}-progress-refused.png")
