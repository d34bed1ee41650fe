"""Notices printed through Qt's printing system: a PDF-file QPrinter stands in for the hall's printer. The
printed file has the notice's pages, and each printed page looks like the notice's own page (the seal and
the text are where the notice has them)."""

from __future__ import annotations

from pathlib import Path

from PIL import ImageChops, ImageStat

from tests.approval_server.test_notice_settings import seal_png
from tests.notices.conftest import sample_data

SHOTS = Path("/tmp/shots-notices")


def _notice(kind: str = "grant", **changes) -> bytes:  # noqa: ANN003
    from shared.notices import TemplateSet, render_notice
    return render_notice(sample_data(**changes), TemplateSet.defaults()[kind], seal_png=seal_png())


def _pdf_printer(path: Path):  # noqa: ANN202
    from client.widgets.pdf_print import prepare
    from gui.qt import QPrinter
    printer = prepare(QPrinter(QPrinter.PrinterMode.HighResolution), "notice")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_a_notice_prints_page_for_page_onto_a_pdf_printer(qapp, tmp_path: Path) -> None:  # noqa: ANN001
    from client.services.pdf_pages import page_count, render_pages
    from client.widgets.pdf_print import print_pdf

    correction = _notice("correction", corrections=sample_data().corrections * 12)  # a two-page notice
    for name, pdf in (("grant", _notice()), ("correction", correction)):
        out = tmp_path / f"{name}-printed.pdf"
        assert print_pdf(pdf, _pdf_printer(out), dpi=150) == page_count(pdf)
        printed = out.read_bytes()
        assert page_count(printed) == page_count(pdf)
        original, copy = render_pages(pdf, 50)[0], render_pages(printed, 50)[0]
        copy = copy.resize(original.size)
        # same layout: the mean difference of the two first pages is small (printer margins shift it a little)
        diff = ImageStat.Stat(ImageChops.difference(original.convert("L"), copy.convert("L"))).mean[0]
        assert diff < 8, diff  # measured 4.6: anti-aliasing of a raster print against vector text
        if name == "grant":
            SHOTS.mkdir(exist_ok=True)
            render_pages(printed, 110)[0].save(SHOTS / "printed-grant-page1.png")
    assert page_count(correction) >= 2
