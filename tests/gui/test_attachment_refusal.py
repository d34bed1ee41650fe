"""The clerk is told plainly when an attached file cannot be taken (not a PDF, JPEG or PNG by its content, or
over 50 MB): the case is not saved, nothing is queued, and a proper scan then goes through and waits, sealed,
for its upload."""

from __future__ import annotations

from client.devices import Devices
from shared.sync.tables import attachments as attachment_table
from tests.client.support import Clock, grant_case_numbers, services, staff
from tests.gui.client_support import SimDevices, open_window, shoot
from tests.gui.test_clerk_journey import _pick_item


def test_a_file_of_the_wrong_type_is_refused_with_a_clear_message(qtbot, tmp_path, screenshot):  # noqa: ANN001
    sims = SimDevices()
    clock = Clock()
    s = services(tmp_path, staff(), clock)
    grant_case_numbers(s.engine, clock.now.date(), 61, 70)
    window, ops, devices = open_window(qtbot, s, Devices(sims.settings))
    try:
        acceptance = window.workspace.acceptance
        acceptance.start("")
        acceptance.form.name.setText("赵六")
        acceptance.form.identifier.setText("11010519491231002X")
        _pick_item(qtbot, acceptance)
        for check in acceptance.checklist.checks:
            check.setChecked(True)
        first = acceptance.checklist.materials[0][0]
        note = tmp_path / "说明.pdf"  # named like a PDF, but text inside
        note.write_text("这不是扫描件")
        acceptance.checklist.add_files(first, [str(note)])
        acceptance.accept_button.click()
        qtbot.waitUntil(lambda: "未能保存" in acceptance.result.text(), timeout=8000)
        assert "只接受 PDF、JPEG、PNG" in acceptance.result.text()
        assert s.sync.status().pending == 0
        shoot(qtbot, screenshot, window, "clerk-attachment-refused")

        acceptance.checklist.files.clear()
        scan = tmp_path / "申请书.pdf"
        scan.write_bytes(b"%PDF-1.7\n" + b"0" * 5000)
        acceptance.checklist.add_files(first, [str(scan)])
        acceptance.accept_button.click()
        qtbot.waitUntil(lambda: "办件编号" in acceptance.result.text(), timeout=8000)
        with s.engine.connect() as conn:
            waiting = conn.execute(attachment_table.select()).all()
        assert [(r.file_name, r.state) for r in waiting] == [("申请书.pdf", "waiting")]
    finally:
        devices.stop()
        ops.wait()
        sims.stop()
