"""样表 in the admin's 事项目录 against a live server: a file that is not a PDF/JPEG/PNG by its content (a renamed
one too) is refused before anything is sent, a new material must be saved first, a PDF is uploaded (the page
says so and the server serves it), and removed again."""

from __future__ import annotations

import hashlib

import pytest

from tests.approval_server.support import TEST_KEYS
from tests.gui.client_support import open_window, shoot
from tests.gui.material_support import make_pdf
from tests.gui.test_admin_calendar import _services


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:  # the server seals sample files as it seals attachments
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


def test_the_admin_uploads_a_sample_file(qtbot, server_url, sqlite_database, tmp_path, screenshot) -> None:  # noqa: ANN001
    services = _services(tmp_path, server_url, sqlite_database)
    window, ops, _ = open_window(qtbot, services)
    page = window.workspace.page("事项目录")
    qtbot.waitUntil(lambda: page.items.count() > 10, timeout=15000)
    with qtbot.waitSignal(page.sig_opened, timeout=10000) as opened:
        page.items.setCurrentRow(0)
    item = opened.args[0]
    page.materials.setCurrentCell(0, 0)
    assert page.sample.state.text() == "未上传样表文件" and not page.sample.remove_button.isEnabled()

    fake = tmp_path / "伪装样表.pdf"  # named like a PDF, a Word file inside
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with qtbot.waitSignal(page.sample.sig_sample, timeout=10000) as refused:
        page.sample.upload(fake)
    assert refused.args[0].code == "sample_type_not_allowed"
    assert "PDF、JPEG或PNG" in page.message.text()
    big = tmp_path / "大样表.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    with qtbot.waitSignal(page.sample.sig_sample, timeout=10000) as refused:
        page.sample.upload(big)
    assert refused.args[0].code == "sample_too_large" and "2MB" in page.message.text()

    pdf = make_pdf(tmp_path / "申请表样表.pdf", 1)
    with qtbot.waitSignal(page.sample.sig_sample, timeout=15000) as uploaded:
        page.sample.upload(pdf)
    answer = uploaded.args[0]
    assert answer["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest() and answer["mime"] == "application/pdf"
    assert page.sample.file.text() == "申请表样表.pdf" and "已上传样表" in page.message.text()
    assert page.sample.state.text().startswith("已上传：申请表样表.pdf（PDF，") and page.sample.remove_button.isEnabled()
    shoot(qtbot, screenshot, window, "admin-catalogue-sample-uploaded")
    served = services.sync.transport.request(
        "GET", f"/api/v1/admin/catalogue/materials/{answer['material_id']}/sample",
        headers={"Authorization": f"Bearer {services.sync.staff_token}"})
    assert served.body == pdf.read_bytes()

    page.add_material()  # a material the server has not saved yet has no id to hang a file on
    page.materials.setCurrentCell(page.materials.rowCount() - 1, 0)
    assert page.sample.state.text() == "新材料：保存事项后才能上传样表文件"
    with qtbot.waitSignal(page.sample.sig_sample, timeout=5000) as unsaved:
        page.sample.upload(pdf)
    assert unsaved.args[0].code == "sample_material_unsaved"

    page.materials.setCurrentCell(0, 0)
    with qtbot.waitSignal(page.sample.sig_sample, timeout=10000) as removed:
        page.sample.remove()
    assert removed.args[0] is None and page.sample.state.text() == "未上传样表文件"
    assert page.sample.file.text() == "" and item["code"] == page.code
    ops.wait()
