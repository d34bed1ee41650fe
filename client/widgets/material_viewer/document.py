"""One material file opened for viewing: its bytes read once and checked against the SHA-256 and size recorded
at the counter, then decoded as PDF pages (PDFium) or an image (QImageReader, one page per frame of a multi-page
TIFF). Everything here blocks: call it off the GUI thread (QImage, unlike QPixmap, may be made there)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from client.services.material_files import MaterialFile
from gui.qt import QBuffer, QByteArray, QImage, QImageReader, QIODevice, QSize, QSizeF, Qt, QTransform
from shared.errors import DomainError

# 1 PDF point is 1/72 inch; at 100 % a page is shown at 96 px per inch, as a word processor shows it
PX_PER_PT = 96 / 72
MAX_PIXELS = 40_000_000  # a drawn page larger than this (160 MB) is refused, not allocated
PDF_MAGIC = b"%PDF-"
PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time, across every open document


class MaterialUnavailable(DomainError):
    """The file cannot be shown; `code` says why (texts in client/i18n/errors.py)."""


@dataclass(frozen=True)
class Rendered:
    image: QImage
    page: int
    zoom: float
    rotation: int


def _kind(file: MaterialFile, head: bytes) -> str:
    if PDF_MAGIC in head or file.mime == "application/pdf" or file.file_name.lower().endswith(".pdf"):
        return "pdf"
    return "image"  # anything else is decoded as an image or refused as unsupported


def read_checked(file: MaterialFile) -> bytes:
    """The file's bytes, once they match what the counter recorded; refused with a specific code otherwise."""
    if file.path is None:
        raise MaterialUnavailable("not on this PC yet", code="material_not_synced", file=file.file_name)
    try:
        data = file.path.read_bytes()
    except FileNotFoundError:
        raise MaterialUnavailable("local copy missing", code="material_missing", file=file.file_name) from None
    except OSError as exc:
        raise MaterialUnavailable(f"cannot read: {exc}", code="material_unreadable", file=file.file_name) from None
    if len(data) != file.size or hashlib.sha256(data).hexdigest() != file.sha256.lower():
        raise MaterialUnavailable("bytes differ from the recorded SHA-256", code="material_changed",
                                  file=file.file_name)
    return data


class MaterialDocument:
    """Pages of one file. `render` may be called from any worker thread; calls are serialised."""

    def __init__(self, file: MaterialFile) -> None:
        self.file = file
        self._lock = threading.Lock()

    @property
    def page_count(self) -> int:
        raise NotImplementedError

    def page_size(self, page: int) -> QSizeF:
        """The page at 100 % in device-independent pixels, unrotated."""
        raise NotImplementedError

    def _draw(self, page: int, size: QSize) -> QImage:
        raise NotImplementedError

    def close(self) -> None:
        """Free what the document holds (nothing to do for an image)."""

    def render(self, page: int, zoom: float, rotation: int, ratio: float = 1.0) -> Rendered:
        """The page at `zoom` (1.0 = 100 %) turned `rotation` degrees clockwise, at `ratio` device pixels per
        logical pixel (HiDPI screens)."""
        if not 0 <= page < self.page_count:
            raise MaterialUnavailable("no such page", code="material_no_page", page=page)
        base = self.page_size(page)
        size = QSize(max(1, round(base.width() * zoom * ratio)), max(1, round(base.height() * zoom * ratio)))
        if size.width() * size.height() > MAX_PIXELS:
            raise MaterialUnavailable("page too large at this zoom", code="material_zoom_too_large")
        with self._lock:
            image = self._draw(page, size)
        if image.isNull():
            raise MaterialUnavailable("page could not be drawn", code="material_damaged", page=page)
        if rotation % 360:
            image = image.transformed(QTransform().rotate(rotation % 360))
        image.setDevicePixelRatio(ratio)
        return Rendered(image, page, zoom, rotation % 360)


class PdfMaterial(MaterialDocument):
    """PDF pages through PDFium (pypdfium2). Its ctypes calls release the GIL while a page is drawn, so the GUI
    thread keeps running (QtPdf's render holds it for the whole page: measured stalls of one page's time)."""

    def __init__(self, file: MaterialFile, data: bytes) -> None:
        super().__init__(file)
        self._closed = False
        try:
            with PDFIUM:
                # from memory, not from the path: what is shown is exactly the bytes whose SHA-256 was checked
                self._pdf = pdfium.PdfDocument(data)
                self._count = len(self._pdf)
        except pdfium.PdfiumError as exc:
            code = "material_encrypted" if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD else "material_damaged"
            raise MaterialUnavailable(f"PDF not readable: {exc}", code=code, file=file.file_name) from None
        if self._count < 1:
            self.close()
            raise MaterialUnavailable("PDF without pages", code="material_damaged", file=file.file_name)
        self._sizes: dict[int, QSizeF] = {}

    @property
    def page_count(self) -> int:
        return self._count

    def page_size(self, page: int) -> QSizeF:
        if page not in self._sizes:
            with PDFIUM:
                self._check_open()
                width, height = self._pdf.get_page_size(page)  # points, as displayed (its /Rotate applied)
            self._sizes[page] = QSizeF(width * PX_PER_PT, height * PX_PER_PT)
        return self._sizes[page]

    def _draw(self, page: int, size: QSize) -> QImage:
        with PDFIUM:
            self._check_open()
            pdf_page = self._pdf[page]
            try:
                width, height = pdf_page.get_size()
                bitmap = pdf_page.render(scale=size.width() / width, prefer_bgrx=True, may_draw_forms=True)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGB32).copy()  # BGRx is RGB32 on little-endian PCs
                finally:
                    bitmap.close()
            except pdfium.PdfiumError:
                return QImage()  # refused by the caller as a damaged page
            finally:
                pdf_page.close()
        return image

    def _check_open(self) -> None:
        if self._closed:
            raise MaterialUnavailable("document closed", code="material_closed", file=self.file.file_name)

    def close(self) -> None:
        """Free PDFium's copy; under the lock, as PDFium must never run on two threads at once."""
        with PDFIUM:
            if not self._closed:
                self._closed = True
                self._pdf.close()


class ImageMaterial(MaterialDocument):
    """JPEG, PNG and the other formats Qt reads; a multi-page TIFF is one page per frame. Frames are decoded
    once at full size (EXIF orientation applied) and scaled for each zoom."""

    def __init__(self, file: MaterialFile, data: bytes) -> None:
        super().__init__(file)
        self._data = QByteArray(data)
        self._frames: dict[int, QImage] = {}
        reader, _buffer = self._reader()
        if not reader.canRead():
            raise MaterialUnavailable("not a PDF or an image Qt can read", code="material_unsupported",
                                      file=file.file_name)
        self._count = max(1, reader.imageCount())
        self._frame(0)  # a damaged image is refused when opened, not when first shown

    def _reader(self) -> tuple[QImageReader, QBuffer]:
        """A reader and its device (the caller keeps both alive together)."""
        buffer = QBuffer(self._data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)
        return reader, buffer

    def _frame(self, page: int) -> QImage:
        if page not in self._frames:
            reader, _buffer = self._reader()
            if page:
                reader.jumpToImage(page)
            image = reader.read()
            if image.isNull():
                raise MaterialUnavailable(f"image not readable: {reader.errorString()}", code="material_damaged",
                                          file=self.file.file_name)
            self._frames[page] = image
        return self._frames[page]

    @property
    def page_count(self) -> int:
        return self._count

    def page_size(self, page: int) -> QSizeF:
        with self._lock:
            return QSizeF(self._frame(page).size())

    def _draw(self, page: int, size: QSize) -> QImage:
        frame = self._frame(page)
        if frame.size() == size:
            return frame.copy()
        return frame.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def open_material(file: MaterialFile) -> MaterialDocument:
    """Read, check and decode `file` (blocking). Raises MaterialUnavailable with the reason's code."""
    data = read_checked(file)
    kind = _kind(file, data[:1024])
    if kind == "pdf":
        return PdfMaterial(file, data)
    return ImageMaterial(file, data)
