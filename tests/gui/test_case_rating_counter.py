"""一事一评 at the counter on the real widgets, offline: the 一事一评 button appears on a case only once it is
办结; the dialog offers the five levels, asks a 差评's reason before anything is queued, and queues
`rating.rate_case` with the `case_rating` row as its optimistic row; the case then shows its rating and offers
no second one; the service refuses a second rating by the server's rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from client.services.case_rating import case_ratings_for
from shared.rating.case_rating import CaseRatingRefused
from shared.sync.tables import outbox
from tests.client.support import Clock, grant_case_numbers, services, staff
from tests.gui.client_support import open_window, shoot, shoot_dialog
from tests.gui.test_approval_journey import _accept, _act, _select_first


@pytest.fixture
def world(tmp_path):  # noqa: ANN001, ANN201
    clock = Clock()
    clerk = services(tmp_path / "c", staff(), clock)
    grant_case_numbers(clerk.engine, clock.now.date(), 1, 50)
    approver = services(tmp_path / "a", staff("approver", name="李建国"), clock, window=None, engine=clerk.engine)
    return clock, clerk, approver


def test_a_finished_case_is_rated_at_the_counter(qtbot, world, screenshot) -> None:  # noqa: ANN001
    clock, clerk, approver = world
    case_id, = _accept(clerk)
    window, _, _ = open_window(qtbot, approver)
    ws = window.workspace
    _select_first(qtbot, ws)
    assert not ws.rating_button.isVisibleTo(ws)  # an approver does not record ratings
    for action in ("pass_step", "pass_step", "grant"):
        _act(qtbot, ws, action)
        clock.advance(hours=1)
    clerk_window, _, _ = open_window(qtbot, clerk)
    cases = clerk_window.workspace.cases
    clerk_window.workspace.tabs.setCurrentWidget(cases)
    _select_first(qtbot, cases)
    _act(qtbot, cases, "make_licence", licence_no="")
    _act(qtbot, cases, "issue_licence")
    assert not cases.rating_button.isVisibleTo(cases)  # not 办结 yet
    _act(qtbot, cases, "close")
    qtbot.waitUntil(lambda: cases.rating_button.isVisibleTo(cases))
    shoot(qtbot, screenshot, clerk_window, "case-rateable")

    dialog = cases.open_rating()
    assert [b.text() for b in dialog.level_buttons.values()] == ["非常满意", "满意", "基本满意", "不满意",
                                                                  "非常不满意"]
    assert not dialog.submit.isEnabled()
    dialog.choose("very_dissatisfied")
    assert dialog.reason.isVisibleTo(dialog)
    dialog.submit.click()
    assert dialog.message.text() == "差评需要填写原因" and dialog.isVisible()
    dialog.choose("very_dissatisfied", "领证时才告知还缺一份材料")
    shoot_dialog(qtbot, screenshot, dialog, "case-rating-dialog")
    with qtbot.waitSignal(dialog.sig_rated, timeout=5000) as rated:
        dialog.submit.click()
    row = rated.args[0]
    assert (row["case_id"], row["level"], row["reason"], row["by"]) == (
        case_id, "very_dissatisfied", "领证时才告知还缺一份材料", "clerk")
    assert clerk.sync.rows("case_rating")[row["id"]] == row
    with clerk.engine.connect() as conn:
        names = [n for n, in conn.execute(select(outbox.c.name).order_by(outbox.c.seq))]
    assert names[-1] == "rating.rate_case"
    qtbot.waitUntil(lambda: not cases.rating_button.isVisibleTo(cases))
    qtbot.waitUntil(lambda: cases.rating_shown.text() == "已评价：非常不满意")
    shoot(qtbot, screenshot, clerk_window, "case-rated")
    # the 差评 statistics count the case rating beside the visits', against the item's department
    panel = clerk_window.workspace.rectification
    clerk_window.workspace.tabs.setCurrentWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: "其中办件评价（一事一评）1 次，差评 1 条；差评按部门：" in panel.summary.text())
    assert "评价 1 次，差评 1 条" in panel.summary.text()
    shoot(qtbot, screenshot, clerk_window, "case-rating-statistics")
    with pytest.raises(CaseRatingRefused) as refused:
        case_ratings_for(clerk).rate(case_id, "satisfied")
    assert refused.value.code == "case_rating_exists"


def test_a_refused_rating_is_shown_in_the_dialog(qtbot, world) -> None:  # noqa: ANN001
    """A case not 办结 (the list was stale, or another desk reopened it): the dialog says why, loses nothing."""
    _, clerk, _ = world
    case_id, = _accept(clerk)
    window, _, _ = open_window(qtbot, clerk)
    cases = window.workspace.cases
    window.workspace.tabs.setCurrentWidget(cases)
    cases.tabs.setCurrentIndex(1)  # 在办: accepted here, now at the approver's step
    _select_first(qtbot, cases)
    assert cases.current.state.case_id == case_id and not cases.rating_button.isVisibleTo(cases)
    dialog = cases.open_rating()
    dialog.choose("satisfied")
    dialog.submit.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "办件办结后才能评价")
    assert dialog.isVisible() and dialog.submit.isEnabled()
    assert clerk.sync.rows("case_rating") == {}


def test_the_clerk_asks_the_windows_evaluator_once_the_case_is_finished(qtbot, world, screenshot) -> None:  # noqa: ANN001
    """一事一评 on the evaluator: 办结 at a window queues `rating.ask_case` at once (offline: in the outbox), so the
    window's evaluator asks the citizen at the counter; 请评价器评价 shows only at a window and only once the case
    is 办结, to ask again (the citizen stepped away), and says so."""
    clock, clerk, approver = world
    case_id, = _accept(clerk)
    window, _, _ = open_window(qtbot, approver)
    ws = window.workspace
    _select_first(qtbot, ws)
    assert not ws.ask_button.isVisibleTo(ws)
    for action in ("pass_step", "pass_step", "grant"):
        _act(qtbot, ws, action)
        clock.advance(hours=1)
    clerk_window, _, _ = open_window(qtbot, clerk)
    cases = clerk_window.workspace.cases
    clerk_window.workspace.tabs.setCurrentWidget(cases)
    _select_first(qtbot, cases)
    _act(qtbot, cases, "make_licence", licence_no="")
    _act(qtbot, cases, "issue_licence")
    assert not cases.ask_button.isVisibleTo(cases)  # not 办结 yet
    with clerk.engine.connect() as conn:
        assert "rating.ask_case" not in [n for n, in conn.execute(select(outbox.c.name))]
    _act(qtbot, cases, "close")
    qtbot.waitUntil(lambda: cases.ask_button.isVisibleTo(cases))
    with clerk.engine.connect() as conn:
        names = [n for n, in conn.execute(select(outbox.c.name).order_by(outbox.c.seq))]
    assert names[-2:] == ["approval.close", "rating.ask_case"], names[-3:]
    cases.ask_button.click()
    qtbot.waitUntil(lambda: cases.message.text() == "已请窗口评价器邀请群众评价本件")
    with clerk.engine.connect() as conn:
        sent = [(n, a) for n, a in conn.execute(select(outbox.c.name, outbox.c.args).order_by(outbox.c.seq))]
    assert sent[-1][0] == "rating.ask_case" and sent[-1][1]["case_id"] == case_id
    shoot(qtbot, screenshot, clerk_window, "case-ask-evaluator")
