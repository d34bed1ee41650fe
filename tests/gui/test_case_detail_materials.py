"""The approver's case detail lists the case's material files from the workspace's MaterialSource, with 查看
and double-click opening the viewer; without a source or without files it says none were received."""

from __future__ import annotations

import pytest

from client.widgets.material_viewer import MaterialViewerDialog
from client.widgets.style import stylesheet
from client.workspaces.approver.workspace import ApproverWorkspace
from gui.ops import Ops
from tests.client.support import Clock, grant_case_numbers, services, staff
from tests.gui.client_support import OPEN_OPS, shoot
from tests.gui.material_support import FakeSource, make_image, make_pdf, material
from tests.gui.test_approval_journey import _accept


@pytest.fixture
def approver(tmp_path):  # noqa: ANN001
    clock = Clock()
    clerk = services(tmp_path / "c", staff(), clock)
    grant_case_numbers(clerk.engine, clock.now.date(), 1, 50)
    case_id, = _accept(clerk)
    approver = services(tmp_path / "a", staff("approver", name="李建国"), clock, window=None, engine=clerk.engine)
    return approver, case_id


def _workspace(qtbot, services, source) -> ApproverWorkspace:  # noqa: ANN001
    ops = Ops()
    OPEN_OPS.append(ops)
    ws = ApproverWorkspace(services, ops, materials=source)
    ws.setStyleSheet(stylesheet(1.0))  # as in the main window
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    return ws


def _open_first(qtbot, ws) -> list:  # noqa: ANN001
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0)
    with qtbot.waitSignal(ws.detail.sig_files_shown, timeout=5000) as shown:
        ws.table.selectRow(0)
    if not shown.args[0] and ws.detail.material_source is not None:  # the empty list first, then the files
        with qtbot.waitSignal(ws.detail.sig_files_shown, timeout=5000) as shown:
            pass
    return shown.args[0]


def test_detail_lists_the_files_and_opens_the_viewer(qtbot, approver, tmp_path, screenshot):  # noqa: ANN001
    services, case_id = approver
    files = [material(make_pdf(tmp_path / "申请书.pdf", 3)),
             material(make_image(tmp_path / "营业执照.jpg", 1200, 800), "营业执照"),
             material(None, "法定代表人身份证明", "sfz.jpg", b"\xff\xd8 not here yet")]
    source = FakeSource({case_id: files})
    ws = _workspace(qtbot, services, source)
    listed = _open_first(qtbot, ws)
    assert listed == files and source.asked == [case_id]
    assert ws.detail.files_summary.text() == "材料文件：3 个（1 个未同步到本机）"
    assert ws.detail.lower.tabText(1) == "材料文件 (3)"
    ws.detail.lower.setCurrentIndex(1)
    table = ws.detail.file_table
    assert table.isVisible() and not ws.detail.no_files.isVisible()
    assert [table.item(r, 1).text() for r in range(3)] == ["申请书.pdf", "营业执照.jpg", "sfz.jpg"]
    assert table.item(2, 3).text() == "未同步到本机" and table.item(0, 2).text().endswith("KB")
    shoot(qtbot, screenshot, ws, "approver-detail-materials")
    with qtbot.waitSignal(ws.detail.sig_viewer_opened, timeout=5000) as opened:
        table.cellWidget(1, 4).click()  # 查看 on 营业执照
    dialog = opened.args[0]
    assert isinstance(dialog, MaterialViewerDialog) and "材料查看" in dialog.windowTitle()
    qtbot.waitUntil(lambda: dialog.viewer.shown is not None, timeout=5000)
    assert dialog.viewer.doc.file is files[1]
    dialog.close()
    with qtbot.waitSignal(ws.detail.sig_viewer_opened, timeout=5000) as opened:
        table.cellDoubleClicked.emit(0, 1)  # double-click on the application form
    viewer = opened.args[0].viewer
    qtbot.waitUntil(lambda: viewer.shown is not None, timeout=5000)
    assert viewer.doc.page_count == 3
    opened.args[0].close()


@pytest.mark.parametrize("with_source", [False, True])
def test_detail_says_no_files_were_received(qtbot, approver, with_source):  # noqa: ANN001
    services, case_id = approver
    ws = _workspace(qtbot, services, FakeSource() if with_source else None)
    assert _open_first(qtbot, ws) == []
    assert ws.detail.files_summary.text() == "未收到材料文件"
    ws.detail.lower.setCurrentIndex(1)
    assert ws.detail.no_files.isVisible() and ws.detail.no_files.text() == "未收到材料文件"
    assert not ws.detail.file_table.isVisible()
