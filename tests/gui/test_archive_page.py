"""电子档案 in the desktop client against a live server: two licence cases finished (办结) and archived by the
server's job; the supervisor lists the period, searches by case number, opens a manifest, 校验 (完整无误, then
the changed document named after a byte of it was altered), saves the case PDF and zip, the period zip and the
period list where the (injected) save dialog says; the admin's 销毁 is refused before the retention end with
the server's sentence and recorded after it. Offline the page says it needs the network. Screenshots at
1920×1080 and 1366×768."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from client.services.admin_api import OFFLINE, AdminError
from client.services.archive import ArchiveService
from client.services.context import build_services
from client.services.workstation import Workstation
from client.workspaces.archive.page import ArchivePage, DisposalDialog
from client.workspaces.supervisor.workspace import SupervisorWorkspace
from gui.qt import QColor, Qt
from server.archive.assemble import read_manifest
from server.archive.domain import storage_of
from server.archive.models import CaseArchive
from shared.db.models import Hall
from tests.approval_server.support import TEST_KEYS, add_staff, finish_licence_case, open_desk
from tests.client.support import Clock, make_cache
from tests.fixtures.server import login
from tests.gui.client_support import open_window, shoot, shoot_dialog
from tests.gui.test_device_alerts import _signed_in
from tests.sync.support import demo_hall, new_device

PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture(autouse=True)
def pii_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TEST_KEYS.items():
        monkeypatch.setenv(name, value)


def _two_archived_cases(server_app, server_clock, db) -> dict[str, str]:  # noqa: ANN001
    """Two finished licence cases, archived by the server's job; {applicant: case id}."""
    add_staff(db)
    with db.session() as s:
        hall = s.scalars(select(Hall.id).where(Hall.code == "DG-HALL-1")).one()
    with TestClient(server_app) as http:
        admin = login(http)
        desks = {u: open_desk(http, admin, hall, u) for u in ("clerk", "reviewer", "verifier", "head", "officer")}
        cases = {"张三": finish_licence_case(desks, http, "张三"),
                 "李四": finish_licence_case(desks, http, "李四", day="2026-11-06")}
    server_app.state.scheduler.run_due(server_clock() + dt.timedelta(minutes=2))
    with db.session() as s:
        assert len(s.scalars(select(CaseArchive)).all()) == 2
    return cases


def _window(qtbot, server_url, db, tmp_path: Path, user: str):  # noqa: ANN001, ANN202
    hall_id, windows = demo_hall(db)
    device_id, token = new_device(db, "workstation", hall_id, windows[0], name=f"{user}工作站")
    ws = Workstation(tmp_path / user, server_url=server_url, device_id=device_id, device_token=token)
    services = build_services(ws, _signed_in(server_url, device_id, user),
                              make_cache(tmp_path / f"{user}.sqlite3"), clock=Clock())
    return open_window(qtbot, services)


def _period(page: ArchivePage) -> None:
    page.date_from.setDate(PERIOD[0])
    page.date_to.setDate(PERIOD[1])


def test_supervisor_lists_verifies_and_exports_the_archive(qtbot, server_app, server_url, server_clock,  # noqa: ANN001
                                                           sqlite_database, settings, tmp_path, screenshot) -> None:
    import pypdfium2
    cases = _two_archived_cases(server_app, server_clock, sqlite_database)
    window, ops, _ = _window(qtbot, server_url, sqlite_database, tmp_path, "supervisor")
    workspace = window.workspace
    assert isinstance(workspace, SupervisorWorkspace)
    page = workspace.archive
    assert not page.dispose_button.isVisibleTo(page)  # 销毁 is the admin's
    _period(page)
    workspace.pages.setCurrentWidget(page)  # the first look lists the period
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
    assert "归档 2 卷" in page.counts.text()
    by_case = {r["case_id"]: r for r in page.rows}
    li_si = by_case[cases["李四"]]
    assert [page.table.item(0, c).text() for c in (0, 3, 6)] == ["DG-HALL-1-2026-000001", "2026-11-05", "已归档"]
    assert page.table.item(1, 5).text() == "2056-11-06" and int(page.table.item(1, 4).text()) >= 7
    page.case_number.setText(li_si["case_number"][-4:])  # a part of the number is enough
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == li_si["case_number"]
    page.case_number.setText("")
    page.select_case(cases["张三"])
    qtbot.waitUntil(lambda: page.documents.rowCount() >= 7, timeout=10000)
    docs = page.current["documents"]
    assert [page.documents.item(i, 0).text() for i in range(len(docs))] == [d["no"] for d in docs]
    assert page.documents.item(0, 1).text() == "申请书" and len(page.documents.item(0, 4).text()) == 64
    assert "准予行政许可决定书" in {page.documents.item(i, 2).text() for i in range(len(docs))}
    with qtbot.waitSignal(page.sig_verified, timeout=10000):
        page.verify()
    assert "完整无误" in page.result.text()
    shoot(qtbot, screenshot, window, "archive-supervisor")

    saved: list[Path] = []
    page.ask_path = lambda title, name, kind: saved.append(tmp_path / "out" / name) or saved[-1]
    for action in (lambda: page.save_case("pdf"), lambda: page.save_case("folder"), page.save_period,
                   page.save_period_list):
        with qtbot.waitSignal(page.sig_saved, timeout=20000):
            action()
    pdf, folder, batch, listing = saved
    assert pdf.name == "DG-HALL-1-2026-000001.pdf" and "已保存" in page.message.text()
    cover = pypdfium2.PdfDocument(pdf.read_bytes())[0].get_textpage().get_text_range()
    assert "行政许可电子档案" in cover and "张三" in cover
    assert "DG-HALL-1-2026-000001/manifest.json" in zipfile.ZipFile(folder).namelist()
    assert {n.split("/")[0] for n in zipfile.ZipFile(batch).namelist()} == {"DG-HALL-1-2026-000001",
                                                                          "DG-HALL-1-2026-000002"}
    text = pypdfium2.PdfDocument(listing.read_bytes())[0].get_textpage().get_text_range()
    assert "归档清单" in text and "DG-HALL-1-2026-000002" in text

    # one byte of a filed notice changed (re-sealed, so only the manifest's SM3 tells): 校验 names it
    storage = storage_of(settings)
    with sqlite_database.session() as s:
        doc = read_manifest(storage, s.get(CaseArchive, cases["张三"]))[1]["documents"][1]
    changed = bytearray(storage.get(doc["file"]))
    changed[len(changed) // 2] ^= 0x01
    storage.put(doc["file"], bytes(changed))
    with qtbot.waitSignal(page.sig_verified, timeout=10000):
        page.verify()
    assert "校验未通过" in page.result.text() and f"{doc['no']} {doc['title']}：内容被改动" in page.result.text()
    red = [r for r in range(page.documents.rowCount())
           if page.documents.item(r, 0).foreground().color() == QColor(Qt.GlobalColor.red)]
    assert red == [1]  # the named document is marked in the manifest, no other
    with qtbot.waitSignal(page.sig_failed, timeout=10000):
        page.save_case("pdf")
    assert "档案校验未通过，已停止导出" in page.message.text()
    page.date_to.setDate(dt.date(2026, 10, 1))  # before the start: the server's own words, no English gloss
    with qtbot.waitSignal(page.sig_failed, timeout=10000):
        page.search()
    assert page.message.text() == "期间有误：结束日不早于开始日，且不超过366天" and page.table.rowCount() == 2
    page.date_to.setDate(PERIOD[1])
    shoot(qtbot, screenshot, window, "archive-supervisor-altered")
    ops.wait()


def test_admin_disposal_is_refused_before_the_retention_end_and_recorded_after(  # noqa: ANN001
        qtbot, server_app, server_url, server_clock, sqlite_database, tmp_path, screenshot) -> None:
    cases = _two_archived_cases(server_app, server_clock, sqlite_database)
    window, ops, _ = _window(qtbot, server_url, sqlite_database, tmp_path, "admin")
    outer = window.workspace.page("电子档案")
    page = outer.archive
    _period(page)  # before the hall picker's answer, whose choice lists the period
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
    assert outer.hall.current()["code"] == "DG-HALL-1" and page.dispose_button.isVisibleTo(page)
    page.select_case(cases["张三"])
    qtbot.waitUntil(lambda: page.documents.rowCount() >= 7, timeout=10000)

    dialog = DisposalDialog(page.current, page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("保")
    dialog._accept()
    assert dialog.hint.text() == "请填写销毁原因（至少2个字）" and dialog.result() == 0
    dialog.reason.setText("保管期满，经鉴定无继续保存价值")
    dialog._accept()
    assert dialog.hint.text() == "请填写审批人" and dialog.result() == 0
    dialog.reason.setText("保管期满，经鉴定无继续保存价值")
    dialog.approved_by.setText("档案鉴定小组")
    dialog.approval_ref.setText("莞档销〔2057〕1号")
    shoot_dialog(qtbot, screenshot, dialog, "archive-disposal-dialog")
    answer = dialog.values()
    dialog.close()

    page.ask_disposal = lambda archive: answer
    with qtbot.waitSignal(page.sig_failed, timeout=10000):
        page.dispose_button.click()
    assert page.message.text() == "保管期限未满（至2056-11-05），不能销毁"
    shoot(qtbot, screenshot, window, "archive-admin-refused")
    with sqlite_database.session() as s:  # as if thirty years had passed: the retention ended yesterday
        s.execute(update(CaseArchive).where(CaseArchive.case_id == cases["张三"])
                  .values(retention_until=dt.date(2026, 12, 6)))
        s.commit()
    page.dispose_button.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and page.table.item(0, 6).text() == "已销毁",
                    timeout=10000)
    assert "已销毁档案 DG-HALL-1-2026-000001" in page.message.text()
    assert "已销毁 1 卷" in page.counts.text()
    qtbot.waitUntil(lambda: page.current is not None and page.current.get("documents") is not None, timeout=10000)
    assert "该档案已销毁" in page.result.text() and not page.pdf_button.isEnabled()
    shoot(qtbot, screenshot, window, "archive-admin-disposed")
    ops.wait()


def test_offline_the_page_says_it_needs_the_network(qtbot, tmp_path) -> None:  # noqa: ANN001
    from gui.ops import Ops

    class Offline:
        def get(self, path: str, **params: object) -> object:
            raise AdminError(OFFLINE, "connection refused")

    ops = Ops()
    page = ArchivePage(ArchiveService(Offline(), 1), ops, tmp_path, dt.date(2026, 12, 7), False)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.sig_failed, timeout=5000):
        page.search()
    assert page.message.text().startswith("服务器无法连接：电子档案需要联网")
    page.save_period()  # nothing listed: nothing to export, and no dialog
    assert page.message.text() == "该期间没有可导出的档案，请先查询"
    ops.wait()
