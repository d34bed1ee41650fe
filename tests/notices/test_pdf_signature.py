"""The SM2 signature inside a notice's PDF (shared.notices.pdf_signature): the rendered notice stays the file's
first revision, an update attaches its signature; a changed signed byte, an update that changes what a page
shows, and a file without the attachment are each told apart; the saved file's detached `.sig` still
verifies on its own."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from client.services.decision_notices import CaseNotice, write_notice
from shared.notices.pdf_signature import ATTACHMENT, embed, main, signed_revision, verify_embedded
from shared.crypto.sm2 import Signer, verify_notice
from shared.notices import NoticeKind


def _notice_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc))  # no clock read
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Decision notice DG2026000001: granted")
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def signed() -> tuple[bytes, bytes, Signer]:
    signer = Signer.generate()
    pdf = _notice_pdf()
    return pdf, embed(pdf, signer.sign(pdf)), signer


def test_the_signed_file_keeps_the_notice_as_its_first_revision_and_verifies(signed) -> None:  # noqa: ANN001
    pdf, data, signer = signed
    assert data.startswith(pdf) and len(data) > len(pdf)
    check = verify_embedded(data)
    assert check.ok and check.signed_bytes == len(pdf)
    assert check.signature.public_key == signer.public_key and signed_revision(data) == pdf
    assert ATTACHMENT.encode() in data[len(pdf):]  # the attachment is in the update, not the notice


def test_a_changed_signed_byte_is_a_bad_signature(signed) -> None:  # noqa: ANN001
    pdf, data, _ = signed
    at = pdf.index(b"/MediaBox")  # inside the signed revision, somewhere harmless to the parser
    forged = data[:at] + b"/MediaBoX" + data[at + 9:]
    assert verify_embedded(forged).status == "bad_signature"


def test_an_update_that_changes_a_page_after_signing_is_caught(signed) -> None:  # noqa: ANN001
    _, data, _ = signed
    doc = pdfium.PdfDocument(data)
    page = doc[0]
    box = raw.FPDFPageObj_CreateNewRect(50, 50, 200, 100)
    raw.FPDFPageObj_SetFillColor(box, 0, 0, 0, 255)
    raw.FPDFPath_SetDrawMode(box, raw.FPDF_FILLMODE_ALTERNATE, 0)
    raw.FPDFPage_InsertObject(page, box)
    assert raw.FPDFPage_GenerateContent(page)
    out = io.BytesIO()
    doc.save(out, flags=raw.FPDF_INCREMENTAL)
    page.close()
    doc.close()
    tampered = out.getvalue()
    assert tampered.startswith(data)  # the signed bytes are intact: only the drawing can tell
    assert verify_embedded(tampered).status == "changed_after_signing"


def test_a_file_without_the_attachment_or_not_a_pdf(signed) -> None:  # noqa: ANN001
    pdf, _, _ = signed
    assert verify_embedded(pdf).status == "unsigned"
    assert verify_embedded(b"not a pdf").status == "unreadable"
    with pytest.raises(ValueError, match="not of these bytes"):
        embed(pdf, Signer.generate().sign(pdf + b" "))


def test_a_saved_notice_has_both_signatures_and_the_tool_checks_them(signed, tmp_path: Path,  # noqa: ANN001
                                                                      capsys) -> None:  # noqa: ANN001
    pdf, _, signer = signed
    notice = CaseNotice("c1", "DG2026000001", NoticeKind.GRANT, pdf, signer.sign(pdf), signer)
    path = write_notice(notice, tmp_path / "n.pdf")
    data = path.read_bytes()
    assert verify_embedded(data).ok and signed_revision(data) == pdf
    fields = dict(line.split("=", 1) for line in Path(str(path) + ".sig").read_text().split())
    from shared.crypto.sm2 import NoticeSignature
    assert verify_notice(data, NoticeSignature(fields["sm3"], fields["sm2"], fields["public_key"]))  # detached
    assert main([str(path), str(path) + ".sig"]) == 0
    out = capsys.readouterr().out
    assert "embedded: valid" in out and "detached: valid" in out and notice.signature.digest in out
    path.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    assert main([str(path), str(path) + ".sig"]) == 1
    # a notice without a signer at hand is written as rendered, with its own detached signature
    plain = write_notice(CaseNotice("c1", "DG2026000001", NoticeKind.GRANT, pdf, signer.sign(pdf)),
                         tmp_path / "plain.pdf")
    assert plain.read_bytes() == pdf
