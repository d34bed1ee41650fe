"""A notice's SM2 signature carried inside its PDF, as an attached file (issue 15).

What it is: the notice as rendered (the bytes the 送达 record's SM3 names and the archive files) stays, byte
for byte, the file's first revision; an incremental update (ISO 32000-1 §7.5.6) appended after it adds one
embedded file (§7.11.4, listed in the catalogue's /Names /EmbeddedFiles), `govhall-notice.sig`, whose text
is the detached `.sig`'s fields plus `signed_bytes` — the length of the revision the signature covers:

    format=govhall-notice-signature/1
    signed_bytes=48211
    sm3=<SM3 of those bytes, hex>
    sm2=<SM2 signature (DER, hex) over "govhall-notice-sm3:" + sm3, as shared.crypto.sm2>
    public_key=<the signer's SubjectPublicKeyInfo DER, hex>

A verifier takes the first `signed_bytes` bytes, checks their SM3 and the SM2 signature, checks they end a
complete revision (%%EOF), and checks the pages of the whole file draw exactly as the signed revision's, so an
update that changed what a page shows is caught even though the signed bytes are intact. Any PDF reader shows
the attachment; `python -m shared.notices.pdf_signature FILE.pdf [FILE.pdf.sig]` checks it and prints the
signed revision's SM3, which the QR code's public page (/v/…, server/api/verify.py) lists for each 送达 of
the notice: the same SM3 there says this is the notice the office served.

What it is not: not an ISO 32000 §12.8 signature field (/Sig with /ByteRange and a CMS /Contents), so PDF
readers do not list it under "signatures"; not PAdES, and not a GB/T 38540 电子签章 (no seal certificate
issued by a CA): the public key is trusted only as far as the server knows it as a workstation's registered
key (server/approval/signing_keys.py, notice_signing_key)."""

from __future__ import annotations

import ctypes
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.crypto.sm2 import NoticeSignature, sm3_hex, verify_digest, verify_notice

ATTACHMENT = "govhall-notice.sig"
FORMAT = "govhall-notice-signature/1"
RENDER_SCALE = 0.5  # 36 dpi: enough to see any change to what a page shows, cheap for a notice's few pages


@dataclass(frozen=True)
class EmbeddedCheck:
    status: str            # valid / unsigned / bad_signature / not_a_revision / changed_after_signing / unreadable
    signed_bytes: int = 0
    signature: NoticeSignature | None = None

    @property
    def ok(self) -> bool:
        return self.status == "valid"


def signature_text(signature: NoticeSignature, signed_bytes: int) -> bytes:
    return (f"format={FORMAT}\nsigned_bytes={signed_bytes}\nsm3={signature.digest}\nsm2={signature.signature}\n"
            f"public_key={signature.public_key}\n").encode("ascii")


def _wide(text: str):  # noqa: ANN202 - FPDF_WIDESTRING
    data = (text + "\0").encode("utf-16-le")
    return ctypes.cast(ctypes.create_string_buffer(data, len(data)), ctypes.POINTER(ctypes.c_ushort))


def embed(pdf: bytes, signature: NoticeSignature) -> bytes:
    """`pdf` unchanged, followed by an update attaching its signature. Refuses a signature of other bytes."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    if not verify_notice(pdf, signature):
        raise ValueError("the signature is not of these bytes")
    doc = pdfium.PdfDocument(pdf)
    try:
        attachment = raw.FPDFDoc_AddAttachment(doc, _wide(ATTACHMENT))
        if not attachment:
            raise ValueError("the PDF already has a signature attachment")
        text = signature_text(signature, len(pdf))
        if not raw.FPDFAttachment_SetFile(attachment, doc, text, len(text)):
            raise ValueError("could not attach the signature")
        out = io.BytesIO()
        doc.save(out, flags=raw.FPDF_INCREMENTAL)
    finally:
        doc.close()
    data = out.getvalue()
    if not data.startswith(pdf):  # an incremental save never rewrites: make sure of it
        raise ValueError("the signed revision was not kept as it was")
    return data


def _attachment_text(data: bytes) -> bytes | None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    doc = pdfium.PdfDocument(data)
    try:
        for i in range(raw.FPDFDoc_GetAttachmentCount(doc)):
            att = raw.FPDFDoc_GetAttachment(doc, i)
            size = raw.FPDFAttachment_GetName(att, None, 0)
            name_buf = ctypes.create_string_buffer(size)
            raw.FPDFAttachment_GetName(att, ctypes.cast(name_buf, ctypes.POINTER(ctypes.c_ushort)), size)
            if name_buf.raw.decode("utf-16-le").rstrip("\0") != ATTACHMENT:
                continue
            length = ctypes.c_ulong()
            if not raw.FPDFAttachment_GetFile(att, None, 0, ctypes.byref(length)):
                return None
            buf = ctypes.create_string_buffer(length.value)
            raw.FPDFAttachment_GetFile(att, buf, length.value, ctypes.byref(length))
            return buf.raw[:length.value]
    finally:
        doc.close()
    return None


def _fields(text: bytes) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.decode("ascii").splitlines() if "=" in line)


def _pages(data: bytes) -> list[bytes]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        return [bytes(doc[i].render(scale=RENDER_SCALE, grayscale=True).buffer) for i in range(len(doc))]
    finally:
        doc.close()


def verify_embedded(data: bytes) -> EmbeddedCheck:
    """Whether the file carries a valid embedded signature of its first revision, unchanged since."""
    try:
        text = _attachment_text(data)
        if text is None:
            return EmbeddedCheck("unsigned")
        f = _fields(text)
        n = int(f["signed_bytes"])
        signature = NoticeSignature(f["sm3"], f["sm2"], f["public_key"])
    except Exception:  # noqa: BLE001 - not a PDF, a damaged attachment: all one answer
        return EmbeddedCheck("unreadable")
    if f.get("format") != FORMAT or not 0 < n <= len(data):
        return EmbeddedCheck("unreadable")
    signed = data[:n]
    if sm3_hex(signed) != signature.digest or not verify_digest(signature.digest, signature.signature,
                                                                 signature.public_key):
        return EmbeddedCheck("bad_signature", n, signature)
    if not signed.rstrip(b"\r\n").endswith(b"%%EOF"):
        return EmbeddedCheck("not_a_revision", n, signature)
    try:
        same = _pages(signed) == _pages(data)
    except Exception:  # noqa: BLE001 - the signed revision or the whole file does not draw
        return EmbeddedCheck("unreadable", n, signature)
    return EmbeddedCheck("valid" if same else "changed_after_signing", n, signature)


def signed_revision(data: bytes) -> bytes:
    """The bytes the embedded signature covers (the notice as rendered and served)."""
    check = verify_embedded(data)
    if not check.ok:
        raise ValueError(f"no valid embedded signature: {check.status}")
    return data[:check.signed_bytes]


def read_sig_file(path: Path) -> NoticeSignature:
    f = _fields(path.read_bytes())
    return NoticeSignature(f["sm3"], f["sm2"], f["public_key"])


def main(argv: list[str]) -> int:
    """FILE.pdf [FILE.pdf.sig]: the embedded signature, and the detached one when given; 0 when all hold."""
    if not argv or len(argv) > 2:
        print("usage: python -m shared.notices.pdf_signature FILE.pdf [FILE.pdf.sig]", file=sys.stderr)
        return 2
    data = Path(argv[0]).read_bytes()
    check = verify_embedded(data)
    ok = check.ok
    line = f"embedded: {check.status}"
    if check.signature is not None:
        line += (f" (signed bytes {check.signed_bytes} of {len(data)}, SM3 {check.signature.digest}, "
                 f"key id {sm3_hex(bytes.fromhex(check.signature.public_key))[:16]})")
    print(line)
    if len(argv) == 2:
        detached = verify_notice(data, read_sig_file(Path(argv[1])))
        print(f"detached: {'valid' if detached else 'bad_signature'}")
        ok = ok and detached
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
