"""At the counter a 延续/变更 application names the licence it is about: the 申请类型 picker is offered for a
licensing item, 受理 stays disabled until the old licence's number is typed, and the queued 收件 carries
licence_action and licence_no for the server to check at receipt (the workstation holds no licence register,
so the check is the server's; offline the 收件 is queued and a wrong number comes back as 被退回)."""

from __future__ import annotations

from shared.sync import outbox
from tests.gui.client_support import shoot
from tests.gui import test_clerk_journey as journey

clerk, sims = journey.clerk, journey.sims  # the counter's fixtures (a clerk with simulated devices)
_pick_item = journey._pick_item

ID = "11010519491231002X"


def test_a_renewal_names_the_licence_and_the_receive_carries_it(qtbot, clerk, screenshot):  # noqa: ANN001
    window, s, clock, _ = clerk
    acceptance = window.workspace.acceptance
    acceptance.start("", None)
    acceptance.form.name.setText("张三")
    acceptance.form.identifier.setText(ID)
    _pick_item(qtbot, acceptance)  # 特种设备使用登记（电梯）: a licensing item
    assert acceptance.choice.category == "administrative_licence" and acceptance.licence_action.isEnabled()
    for check in acceptance.checklist.checks:
        check.setChecked(True)
    assert acceptance.accept_button.isEnabled() and not acceptance.licence_no.isEnabled()  # 新办
    acceptance.licence_action.setCurrentIndex(acceptance.licence_action.findData("renew"))
    assert not acceptance.accept_button.isEnabled()  # a renewal must name the licence
    assert acceptance.accept_button.toolTip() == "延续、变更须填写原证照编号"
    acceptance.licence_no.setText(" 00785-202600001 ")
    assert acceptance.accept_button.isEnabled()
    shoot(qtbot, screenshot, window, "clerk-acceptance-renewal")
    with qtbot.waitSignal(acceptance.sig_printed, timeout=8000):
        acceptance.accept_button.click()
    with s.engine.begin() as conn:
        sent = next(c for c in outbox.next_batch(conn, 20) if c["name"] == "approval.receive")
    assert (sent["args"]["licence_action"], sent["args"]["licence_no"]) == ("renew", "00785-202600001")
    acceptance.start("", None)  # the next application starts as 新办 again
    assert acceptance.licence_action.currentData() == "" and acceptance.licence_no.text() == ""
    situations = acceptance.picker.situations
    change = next(i for i in range(situations.count()) if situations.item(i).text() == "变更")
    situations.setCurrentRow(change)  # the catalogue's 变更 situation preselects the type
    assert acceptance.licence_action.currentData() == "change" and acceptance.licence_no.isEnabled()
