"""Issue 15 end to end on the approver's screen: a scan taken at an offline counter is uploaded after
reconnection, fetched by the approver's workstation, and — with the network down again — listed in the case
detail as 已同步 and opened in the material viewer through the workstation's own attachment store."""

from __future__ import annotations

from client.widgets.style import stylesheet
from client.workspaces.approver.workspace import ApproverWorkspace
from gui.ops import Ops
from tests.client.test_attachments import Hall, accept_offline, hall, rows  # noqa: F401 - `hall` is a fixture
from tests.gui.client_support import OPEN_OPS, shoot
from tests.gui.material_support import make_pdf


def test_an_offline_counter_scan_opens_in_the_approvers_viewer(qtbot, hall: Hall, screenshot) -> None:  # noqa: ANN001, F811
    counter = hall.workstation("clerk", "counter", window=1)
    folder = hall.tmp / "scanner"
    folder.mkdir()
    pdf = make_pdf(folder / "申请书.pdf", 3)
    case_id = accept_offline(hall, counter, (pdf,))
    counter.sync.sync_once()  # reconnected: the 收件 is accepted, then its file goes up
    counter.attachment_sync.run_once()
    assert [r["state"] for r in rows(counter)] == ["done"]

    approver = hall.workstation("approver", "approver")
    approver.sync.sync_once()
    approver.attachment_sync.run_once()  # what its background thread does after each pull
    assert [r["state"] for r in rows(approver)] == ["done"]
    hall.net.down = True  # the approver works offline from here

    ops = Ops()
    OPEN_OPS.append(ops)
    ws = ApproverWorkspace(approver, ops, materials=approver.attachments)
    ws.setStyleSheet(stylesheet(1.0))
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0, timeout=5000)
    ws.table.selectRow(next(r for r in range(ws.model.rowCount()) if ws.model.case_id(r) == case_id))
    qtbot.waitUntil(lambda: ws.detail.files_summary.text().startswith("材料文件：1 个"), timeout=10000)
    ws.detail.lower.setCurrentIndex(1)
    table = ws.detail.file_table
    assert (table.item(0, 1).text(), table.item(0, 3).text()) == ("申请书.pdf", "已同步")
    shoot(qtbot, screenshot, ws, "approver-scan-from-counter")
    with qtbot.waitSignal(ws.detail.sig_viewer_opened, timeout=5000) as opened:
        table.cellWidget(0, 4).click()
    viewer = opened.args[0].viewer
    qtbot.waitUntil(lambda: viewer.shown is not None, timeout=10000)
    assert viewer.doc.page_count == 3 and viewer.doc.file.path.read_bytes() == pdf.read_bytes()
    screenshot(opened.args[0], "client/approver-scan-in-viewer")
    opened.args[0].close()
    approver.attachments.close()
