"""The approver's decision notice on the real widgets: granting a case shows its 准予行政许可决定书 at once (the
pages as printed, the office's seal over the signature), which prints on a (PDF-file) printer, saves with its
detached signature, and records its 送达; the notice's button stays on the case detail."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from client.services.pdf_pages import page_count
from shared.crypto.sm2 import NoticeSignature, verify_notice
from tests.approval_server.test_notice_settings import seal_png
from tests.client.support import publish_row
from tests.gui.client_support import open_window
from tests.gui.test_approval_journey import _act, _accept, _select_first, world  # noqa: F401 - the fixture

SHOTS = Path("/tmp/shots-notices")


def _with_seal(engine) -> None:  # noqa: ANN001
    """The admin's 文书设置 with a seal image, as a pull brings it."""
    from shared.notices.settings import TABLE, NoticeSettings
    settings = NoticeSettings(phone="0769-22110000", review_authority="东莞市人民政府", court="东莞市第一人民法院",
                              seal_png=seal_png())
    publish_row(engine, TABLE, "1", settings.to_row(1))


def test_a_grant_shows_its_notice_which_prints_saves_and_is_served(qtbot, world, tmp_path):  # noqa: ANN001, F811
    clock, clerk, approver = world
    _with_seal(clerk.engine)
    case_id, = _accept(clerk)
    window, ops, _ = open_window(qtbot, approver)
    ws = window.workspace
    _select_first(qtbot, ws)
    _act(qtbot, ws, "pass_step")
    _act(qtbot, ws, "pass_step")
    with qtbot.waitSignal(ws.sig_notice, timeout=20000) as shown:
        _act(qtbot, ws, "grant")
    dialog = shown.args[0]
    assert dialog.notice.kind.value == "grant" and dialog.serve_button.isVisible()
    qtbot.waitUntil(lambda: bool(dialog.images), timeout=20000)
    qtbot.waitExposed(dialog)
    qtbot.wait(100)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "approver-grant-preview.png"))
    # the seal is on the page: red pixels where the signature is
    page = dialog.images[0]
    red = sum(1 for y in range(page.height() // 2, page.height(), 4) for x in range(0, page.width(), 4)
              if (c := page.pixelColor(x, y)).red() > 180 and c.green() < 80 and c.blue() < 80)
    assert red > 50, red

    from client.widgets.pdf_print import prepare
    from gui.qt import QPrinter
    printer = prepare(QPrinter(QPrinter.PrinterMode.HighResolution), "grant")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.sig_printed, timeout=30000) as printed:
        dialog.print_to(printer)
    assert printed.args[0] == page_count(dialog.notice.pdf) == page_count((tmp_path / "printed.pdf").read_bytes())

    with qtbot.waitSignal(dialog.sig_saved, timeout=10000):
        dialog.save(tmp_path / "saved" / dialog.notice.file_name)
    saved = tmp_path / "saved" / dialog.notice.file_name
    fields = dict(line.split("=", 1) for line in Path(str(saved) + ".sig").read_text().split())
    assert verify_notice(saved.read_bytes(), NoticeSignature(fields["sm3"], fields["sm2"], fields["public_key"]))
    # and inside the PDF: the notice as rendered (what the 送达 below records) is the file's signed revision
    from shared.notices.pdf_signature import signed_revision, verify_embedded
    check = verify_embedded(saved.read_bytes())
    assert check.ok and check.signature == dialog.notice.signature, check
    assert signed_revision(saved.read_bytes()) == dialog.notice.pdf

    ws.tabs.setCurrentIndex(1)  # 在办: the granted case, now at the counter's steps
    qtbot.waitUntil(lambda: case_id in ws.model.rows, timeout=5000)
    assert ws.model.rows[case_id]["_card"] != "red_card"
    clock.advance(days=21)  # Art. 44's 10 working days have passed: this 送达 is late
    serve = dialog.ask_service()
    qtbot.waitExposed(serve)
    serve.method.setCurrentIndex(1)  # 邮寄送达: asks for the tracking number
    serve.reference.setText("EMS1234567890CN")
    serve.grab().save(str(SHOTS / "serve-dialog.png"))
    with qtbot.waitSignal(dialog.sig_served, timeout=10000):
        serve.accept()
    state = approver.cases.detail(case_id).state
    assert [(s.notice, s.method) for s in state.services] == [("grant", "post")]
    assert state.decision_served_on == clock.now.date()
    # late: red in the approver's (and the supervisor's, the same table) list
    qtbot.waitUntil(lambda: (ws.model.rows.get(case_id) or {}).get("_card") == "red_card", timeout=5000)
    window.resize(1280, 800)
    qtbot.wait(100)
    window.grab().save(str(SHOTS / "approver-late-service-red.png"))
    dialog.close()
    qtbot.waitUntil(lambda: [b.text() for b in ws.notice_buttons] == ["受理通知书", "准予行政许可决定书"])
    assert Image.open(SHOTS / "approver-grant-preview.png").size[0] > 500


def test_the_counter_prints_its_acceptance_notice_through_the_same_preview(qtbot, world, tmp_path):  # noqa: ANN001, F811
    from client.services.acceptance import Application
    from client.services.applicant import PERSON, Applicant
    from client.widgets.pdf_print import prepare
    from gui.qt import QPrinter
    from tests.gui.test_approval_journey import ID

    _, clerk, _ = world
    window, _, _ = open_window(qtbot, clerk)
    panel = window.workspace.acceptance
    choice = next(c for c in clerk.catalogue.choices if c.category == "administrative_licence" and c.situations)
    situation = choice.situations[0]
    outcome = clerk.acceptance.accept(Application(choice, situation.code, Applicant(PERSON, "张三", ID, from_card=True),
                                                  tuple(m for m, _ in situation.materials)))
    assert outcome.notice is not None
    panel.outcome = outcome
    with qtbot.waitSignal(panel.sig_notice, timeout=10000) as shown:
        panel.show_notice()
    dialog = shown.args[0]
    assert dialog.notice.kind.value == "acceptance" and dialog.notice.pdf == outcome.notice.read_bytes()
    qtbot.waitUntil(lambda: bool(dialog.images), timeout=20000)
    printer = prepare(QPrinter(QPrinter.PrinterMode.HighResolution), "acceptance")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "acceptance.pdf"))
    with qtbot.waitSignal(dialog.sig_printed, timeout=30000) as printed:
        dialog.print_to(printer)
    assert printed.args[0] == page_count((tmp_path / "acceptance.pdf").read_bytes()) >= 1
    preview = dialog.print_preview()  # Qt's own preview of the same pages
    qtbot.waitExposed(preview)
    qtbot.wait(200)
    preview.grab().save(str(SHOTS / "counter-acceptance-print-preview.png"))
    preview.close()
    dialog.close()
