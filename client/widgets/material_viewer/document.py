"""One material file opened for viewing: its bytes read once and checked against the SHA-256 and size recorded
at the counter, then decoded as PDF pages (QtPdf) or an image (QImageReader, one page per frame of a multi-page
TIFF). Everything here blocks: call it off the GUI thread (QImage, unlike QPixmap, may be made there)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from client.services.material_files import MaterialFile
from gui.qt import (QBuffer, QByteArray, QCoreApplication, QImage, QImageReader, QIODevice, QPdfDocument, QSize,
                    QSizeF, Qt, QTransform)
from shared.errors import DomainError

# 1 PDF point is 1/72 inch; at 100 % a page is shown at 96 px per inch, as a word processor shows it
PX_PER_PT = 96 / 72
MAX_SIDE = 12000  # refuse to allocate a rendered page larger than this many pixels a side
PDF_MAGIC = b"%PDF-"


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

    def render(self, page: int, zoom: float, rotation: int, ratio: float = 1.0) -> Rendered:
        """The page at `zoom` (1.0 = 100 %) turned `rotation` degrees clockwise, at `ratio` device pixels per
        logical pixel (HiDPI screens)."""
        if not 0 <= page < self.page_count:
            raise MaterialUnavailable("no such page", code="material_no_page", page=page)
        base = self.page_size(page)
        size = QSize(max(1, round(base.width() * zoom * ratio)), max(1, round(base.height() * zoom * ratio)))
        if max(size.width(), size.height()) > MAX_SIDE:
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
    def __init__(self, file: MaterialFile, data: bytes) -> None:
        super().__init__(file)
        # From memory, not from the path: what is shown is exactly the bytes whose SHA-256 was checked.
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf = QPdfDocument()
        self._pdf.load(self._buffer)
        error = self._pdf.error()
        if error != QPdfDocument.Error.None_ or self._pdf.pageCount() < 1:
            code = ("material_encrypted" if error in (QPdfDocument.Error.IncorrectPassword,
                                                        QPdfDocument.Error.UnsupportedSecurityScheme)
                    else "material_damaged")
            raise MaterialUnavailable(f"PDF not readable: {error}", code=code, file=file.file_name)
        self._count = self._pdf.pageCount()
        gui = QCoreApplication.instance().thread() if QCoreApplication.instance() else None
        if gui is not None:  # opened on a worker thread that may end; the GUI thread owns the objects
            self._buffer.moveToThread(gui)
            self._pdf.moveToThread(gui)

    @property
    def page_count(self) -> int:
        return self._count

    def page_size(self, page: int) -> QSizeF:
        points = self._pdf.pagePointSize(page)
        return QSizeF(points.width() * PX_PER_PT, points.height() * PX_PER_PT)

    def _draw(self, page: int, size: QSize) -> QImage:
        return self._pdf.render(page, size)


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
