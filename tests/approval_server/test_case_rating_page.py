"""一事一评 on the citizens' phone page in a real browser: a closed case found by its number and query code offers
the five levels; a 差评 asks for the reason before it is sent; once rated the page says so and offers no
second rating, and the rating reached the server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from server.rating.models import CaseRating, RatingRectification
from shared.approval import commands as cmd
from tests.approval_server.support import command, receive
from tests.approval_server.test_citizen_progress import code_of
from tests.approval_server.test_citizen_progress_page import look
from tests.browser import screenshot
from tests.live import live_server
from tests.queue_server.test_citizen_pages import by_id, visible_text, wait_for

pytestmark = pytest.mark.slow
SHOTS = Path(os.environ.get("GOVHALL_SHOTS", "/tmp/shots-mobile"))


def test_a_closed_case_is_rated_on_the_phone(app, desks, database, phone_browser) -> None:  # noqa: ANN001
    driver = phone_browser
    clerk, approver = desks["clerk"], desks["approver"]
    case_id, _ = receive(clerk)
    number, code = code_of(database, case_id)
    with live_server(app) as url:
        driver.get(f"{url}/m/?hall=DG-HALL-1#progress")
        wait_for(driver, lambda d: by_id(d, "progress-form").is_displayed())
        look(driver, number, code)
        assert not by_id(driver, "rate-card").is_displayed()  # not 办结 yet: nothing to rate
        clerk.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", clerk))
        approver.send(command(cmd.Grant, case_id, 2, "in_review", "2026-11-03", approver, step="decide",
                              opinion="同意"))
        clerk.send(command(cmd.Close, case_id, 3, "decided_granted", "2026-11-03", clerk))
        look(driver, number, code)
        wait_for(driver, lambda d: by_id(d, "rate-form").is_displayed())
        levels = driver.find_elements("css selector", "#rate-levels button")
        assert [b.text for b in levels] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        levels[3].click()
        assert by_id(driver, "rate-why").is_displayed()
        by_id(driver, "rate-submit").click()  # a 差评 without its reason is not sent
        assert wait_for(driver, lambda d: visible_text(d, "error")) == "请填写不满意的原因"
        by_id(driver, "rate-reason").send_keys("窗口告知的材料与网上不一致")
        screenshot(driver, SHOTS / "phone-case-rating-bad.png")
        by_id(driver, "rate-submit").click()
        done = wait_for(driver, lambda d: visible_text(d, "rate-done"))
        assert done.startswith("您已评价：不满意") and "1个工作日" in done
        assert not by_id(driver, "rate-form").is_displayed()
        screenshot(driver, SHOTS / "phone-case-rating-done.png")
        look(driver, number, code)  # asked again: rated, no second form
        assert wait_for(driver, lambda d: visible_text(d, "rate-done")).startswith("您已评价：不满意")
        assert not by_id(driver, "rate-form").is_displayed()
    with database.session() as s:
        rating = s.scalars(select(CaseRating)).one()
        record = s.scalars(select(RatingRectification)).one().row
    assert (rating.case_id, rating.level, rating.reason) == (case_id, "dissatisfied", "窗口告知的材料与网上不一致")
    assert (record["source"], record["subject"]) == ("case", number)
