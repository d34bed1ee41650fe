"""证照库 in the supervisor's workspace against a live server: two licences made through 制证, searched by holder
and status with the counts, one revoked from the page, the listing exported to .xlsx and a certificate saved
as PDF. The page is screenshotted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from client.services.context import build_services
from client.services.workstation import Workstation
from client.workspaces.supervisor.workspace import SupervisorWorkspace
from shared.db.models import Hall
from tests.approval_server.support import TEST_KEYS, add_staff, open_desk
from tests.approval_server.test_licences import granted_licence
from tests.client.support import Clock, make_cache
from tests.fixtures.server import login
from tests.gui.client_support import open_window
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


def test_supervisor_searches_revokes_exports_and_saves_a_certificate(qtbot, server_app, server_url,  # noqa: ANN001
                                                                     sqlite_database, tmp_path, screenshot) -> None:
    add_staff(sqlite_database)
    with sqlite_database.session() as s:
        hall = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
    with TestClient(server_app) as http:
        admin = login(http)
        desks = {u: open_desk(http, admin, hall, u) for u in ("clerk", "reviewer", "verifier", "head", "officer")}
        granted_licence(desks, name="张三")
        granted_licence(desks, name="李四", licence_no="粤东莞2026第0002号")
    hall_id, windows = demo_hall(sqlite_database)
    device_id, token = new_device(sqlite_database, "workstation", hall_id, windows[0], name="主管工作站")
    ws = Workstation(tmp_path, server_url=server_url, device_id=device_id, device_token=token)
    services = build_services(ws, _signed_in(server_url, device_id, "supervisor"),
                              make_cache(tmp_path / "cache.sqlite3"), clock=Clock())
    window, ops, _ = open_window(qtbot, services)
    workspace = window.workspace
    assert isinstance(workspace, SupervisorWorkspace)
    workspace.pages.setCurrentWidget(workspace.licences)
    page = workspace.licences
    page.search()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
    assert "共 2 件" in page.counts.text() and "有效 2" in page.counts.text()
    page.holder.setText("李四")
    page.search()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    assert page.table.item(0, 0).text() == "粤东莞2026第0002号" and page.table.item(0, 1).text() == "李四"
    page.table.selectRow(0)
    page.change("revoke", page.selected()["id"], "持证人申请注销")
    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and page.table.item(0, 5).text() == "已注销", timeout=10000)
    page.holder.setText("")
    page.search()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and "已注销 1" in page.counts.text(), timeout=10000)
    page.export(tmp_path / "证照库.xlsx")
    qtbot.waitUntil(lambda: "已导出" in page.message.text(), timeout=10000)
    sheet = load_workbook(tmp_path / "证照库.xlsx").active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"粤东莞2026第0002号", "已注销", "张三"} <= cells
    listing = page.save_list_pdf(tmp_path / "listing" / "证照库.pdf")
    import pypdfium2
    pdf_page = pypdfium2.PdfDocument(listing.read_bytes())[0]
    text = pdf_page.get_textpage().get_text_range()
    assert "证照库" in text and "共 2 件" in text and "已注销" in text
    from tests.gui.conftest import SCREENSHOTS
    (SCREENSHOTS / "client").mkdir(parents=True, exist_ok=True)
    pdf_page.render(scale=1.2).to_pil().save(SCREENSHOTS / "client" / "licence-register-listing.png")
    page.table.selectRow(1)
    page.save_certificate()
    qtbot.waitUntil(lambda: "证书已保存" in page.message.text(), timeout=20000)
    saved = list((tmp_path / "licences").glob("*.pdf"))
    assert len(saved) == 1 and saved[0].read_bytes().startswith(b"%PDF")
    window.resize(1400, 800)
    screenshot(window, "client/licence-register")
    ops.wait()


def test_the_register_button_is_for_the_roles_that_read_it(qtbot) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from gui.qt import QWidget
    from client.workspaces.licences.register import register_button

    parent = QWidget()
    qtbot.addWidget(parent)
    clerk_only = SimpleNamespace(session=SimpleNamespace(roles=("clerk",)))
    assert register_button(clerk_only, None, parent) is None
    officer = SimpleNamespace(session=SimpleNamespace(roles=("clerk", "licence_officer")))
    assert register_button(officer, None, parent).text() == "证照库"
