"""The material viewer: the case's files beside the chosen file's page, with page up/down, zoom (in, out, fit
width), rotate 90°. Opening (read, SHA-256 check, decode) and every page drawing run on the ops pool; only
the newest request is shown, and the next page is drawn ahead so paging through a scan does not wait.
Keys: PgUp/PgDn, Home/End, Ctrl+= (or Ctrl++) / Ctrl+-, Ctrl+0 fit width, R rotate."""

from __future__ import annotations

from collections import OrderedDict

from client.i18n.errors import error_text
from client.services.material_files import MaterialFile
from client.widgets.material_viewer.document import MaterialDocument, MaterialUnavailable, Rendered, open_material
from client.widgets.material_viewer.file_table import MaterialFileTable
from gui.ops import Ops
from gui.qt import (QEvent, QHBoxLayout, QKeySequence, QLabel, QPixmap, QScrollArea, QShortcut, QSplitter,
                    QStackedWidget, Qt, QTimer, QToolButton, QVBoxLayout, QWidget, Signal)

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.1, 6.0
CACHE_PAGES = 6


class MaterialViewer(QWidget):
    sig_opened = Signal(int)     # page count of the file just opened
    sig_shown = Signal(object)   # Rendered: a page is on screen
    sig_failed = Signal(str)     # error code shown instead of a page

    def __init__(self, ops: Ops, files: list[MaterialFile], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ops = ops
        self.doc: MaterialDocument | None = None
        self.page, self.rotation, self.zoom, self.fit = 0, 0, 1.0, True
        self.shown: Rendered | None = None
        self.failure: str | None = None  # the error code on screen instead of a page
        self._open_gen = 0
        self._render_gen = 0
        self._cache: OrderedDict[tuple, Rendered] = OrderedDict()
        self.files = MaterialFileTable()
        self.files.set_files(files)
        self.files.setMinimumWidth(280)
        self.files.currentCellChanged.connect(lambda row, *_: self.open_file(row))
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setStyleSheet("QScrollArea { background: #5f6368; }")
        self.scroll.installEventFilter(self)  # fit width follows the view's size
        self.message = QLabel(self.tr("请选择左侧的材料文件"))
        self.message.setObjectName("viewerMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16px; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.scroll)
        self.page_label = QLabel("")
        self.zoom_label = QLabel("")
        self.zoom_label.setMinimumWidth(48)
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance("第 888 / 888 页") + 8)
        bar = QHBoxLayout()
        self.buttons = {}
        for key, text, tip, slot in (
                ("prev", "上一页", "PgUp", self.prev_page), ("next", "下一页", "PgDn", self.next_page),
                ("out", "缩小", "Ctrl+-", self.zoom_out), ("in", "放大", "Ctrl+=", self.zoom_in),
                ("fit", "适合宽度", "Ctrl+0", self.fit_width), ("rotate", "旋转90°", "R", self.rotate)):
            button = QToolButton(text=self.tr(text))
            button.setObjectName(f"viewer_{key}")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            button.setMinimumWidth(button.sizeHint().width())  # never elided to "适…度"
            self.buttons[key] = button
            bar.addWidget(button)
            if key == "next":
                bar.addWidget(self.page_label)
                bar.addSpacing(16)
            elif key == "in":
                bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.stack, 1)
        split = QSplitter()
        split.addWidget(self.files)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        for keys, slot in ((("PgUp",), self.prev_page), (("PgDown",), self.next_page), (("Home",), self.first_page),
                           (("End",), self.last_page), (("Ctrl+=", "Ctrl++"), self.zoom_in),
                           (("Ctrl+-",), self.zoom_out), (("Ctrl+0",), self.fit_width), (("R",), self.rotate)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # fit width follows the view: redraw once resizing pauses
        self._refit = QTimer(self, singleShot=True, interval=120)
        self._refit.timeout.connect(self._request)
        self._update_controls()

    # -- files ------------------------------------------------------------------------------------------
    def open_file(self, row: int) -> None:
        if not 0 <= row < len(self.files.files):
            return
        if self.files.currentRow() != row:
            self.files.setCurrentCell(row, 0)  # comes back here through currentCellChanged
            return
        file = self.files.files[row]
        self._open_gen += 1
        gen = self._open_gen
        self.release()
        self.shown, self.failure = None, None
        self._cache.clear()
        self.page, self.rotation, self.fit = 0, 0, True
        self._say(self.tr("正在打开 {0} …").format(file.file_name))
        self._update_controls()
        self.ops.run(lambda: open_material(file), on_done=lambda doc: self._opened(gen, doc),
                     on_error=lambda e: self._open_failed(gen, e))

    def release(self) -> None:
        """Let go of the open file; PDFium frees it on a worker (it may be drawing a page of it right now)."""
        doc, self.doc = self.doc, None
        if doc is not None:
            self.ops.run(doc.close)

    def _opened(self, gen: int, doc: MaterialDocument) -> None:
        if gen != self._open_gen:
            self.ops.run(doc.close)
            return  # another file was chosen meanwhile
        self.doc = doc
        self.sig_opened.emit(doc.page_count)
        self._request()

    def _open_failed(self, gen: int, error: Exception) -> None:
        if gen == self._open_gen:
            self._fail(error)

    # -- navigation ---------------------------------------------------------------------------------------
    def go_to(self, page: int) -> None:
        if self.doc is None:
            return
        page = max(0, min(self.doc.page_count - 1, page))
        if page != self.page:
            self.page = page
            self._request()

    def next_page(self) -> None:
        self.go_to(self.page + 1)

    def prev_page(self) -> None:
        self.go_to(self.page - 1)

    def first_page(self) -> None:
        self.go_to(0)

    def last_page(self) -> None:
        self.go_to(self.doc.page_count - 1 if self.doc else 0)

    def zoom_in(self) -> None:
        self._set_zoom(self._current_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self._current_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.fit = True
        self._request()

    def rotate(self) -> None:
        if self.doc is not None:
            self.rotation = (self.rotation + 90) % 360
            self._request()

    def _current_zoom(self) -> float:
        """The zoom asked for last (quick key repeats add up before their pages arrive); under fit width the
        one the page was drawn at."""
        if self.fit and self.shown is not None:
            return self.shown.zoom
        return self.zoom

    def _set_zoom(self, zoom: float) -> None:
        if self.doc is not None:
            self.fit, self.zoom = False, max(ZOOM_MIN, min(ZOOM_MAX, zoom))
            self._request()

    def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
        if watched is self.scroll and event.type() == QEvent.Type.Resize and self.fit and self.doc is not None:
            self._refit.start()
        return super().eventFilter(watched, event)

    # -- drawing ----------------------------------------------------------------------------------------
    def _fit_target(self) -> int:
        """The page width that fits the view whether or not the vertical scroll bar shows (so showing it
        does not change the fit and redraw again)."""
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        return max(100, self.scroll.width() - 2 * self.scroll.frameWidth() - bar - 8)

    def _key(self, page: int) -> tuple:
        return (page, None if self.fit else self.zoom, self._fit_target() if self.fit else None,
                self.rotation, self.devicePixelRatioF())

    def _job(self, doc: MaterialDocument, key: tuple, gen: int | None):  # noqa: ANN202
        """Runs on a worker; `gen` None is a draw-ahead, dropped if the view moved on is cheap to redo."""
        def draw() -> tuple[tuple, Rendered] | None:
            if gen is not None and gen != self._render_gen:
                return None  # a newer request superseded this one before it started
            page, zoom, target, rotation, ratio = key
            if zoom is None:
                size = doc.page_size(page)
                width = size.height() if rotation in (90, 270) else size.width()
                zoom = target / width
            return key, doc.render(page, zoom, rotation, ratio)
        return draw

    def _request(self) -> None:
        doc = self.doc
        if doc is None:
            return
        self._render_gen += 1
        gen, key = self._render_gen, self._key(self.page)
        self._update_controls()
        if key in self._cache:
            self._cache.move_to_end(key)
            self._show(self._cache[key])
            return
        self.ops.run(self._job(doc, key, gen), on_done=lambda r: self._drawn(doc, gen, r),
                     on_error=lambda e: self._draw_failed(doc, gen, e))

    def _drawn(self, doc: MaterialDocument, gen: int, result: tuple[tuple, Rendered] | None) -> None:
        if result is None or doc is not self.doc:
            return
        self._remember(*result)
        if gen == self._render_gen:
            self._show(result[1])

    def _draw_failed(self, doc: MaterialDocument, gen: int, error: Exception) -> None:
        if doc is self.doc and gen == self._render_gen:
            self._fail(error)

    def _remember(self, key: tuple, rendered: Rendered) -> None:
        self._cache[key] = rendered
        while len(self._cache) > CACHE_PAGES:
            self._cache.popitem(last=False)

    def _show(self, rendered: Rendered) -> None:
        previous = self.shown
        bars = (self.scroll.horizontalScrollBar(), self.scroll.verticalScrollBar())
        # the same page zoomed or turned keeps the spot in view; another page starts at its top
        where = [(b.value() + b.pageStep() / 2) / max(1, b.maximum() + b.pageStep()) for b in bars]
        if previous is None or previous.page != rendered.page:
            where = [0.5, 0.0]
        self.shown, self.failure = rendered, None
        self.image.setPixmap(QPixmap.fromImage(rendered.image))
        self.image.adjustSize()
        self.stack.setCurrentWidget(self.scroll)
        QTimer.singleShot(0, self, lambda: self._scroll_to(where))  # once the bars know the new size
        self._update_controls()
        self.sig_shown.emit(rendered)
        self._draw_ahead()

    def _scroll_to(self, where: list[float]) -> None:
        for bar, fraction in zip((self.scroll.horizontalScrollBar(), self.scroll.verticalScrollBar()), where):
            span = bar.maximum() + bar.pageStep()
            bar.setValue(round(fraction * span - bar.pageStep() / 2) if fraction else 0)

    def _draw_ahead(self) -> None:
        doc = self.doc
        if doc is None or self.page + 1 >= doc.page_count:
            return
        key = self._key(self.page + 1)
        if key not in self._cache:
            self.ops.run(self._job(doc, key, None),
                         on_done=lambda r: r is not None and doc is self.doc and self._remember(*r))

    # -- state shown ------------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("font-size: 16px; padding: 24px;")
        self.stack.setCurrentWidget(self.message)

    def _fail(self, error: Exception) -> None:
        code = error.code if isinstance(error, MaterialUnavailable) else "material_damaged"
        self.message.setText(error_text(code))
        self.message.setStyleSheet("font-size: 16px; padding: 24px; color: #c62828;")
        self.stack.setCurrentWidget(self.message)
        self.shown, self.failure = None, code
        self.sig_failed.emit(code)

    def _update_controls(self) -> None:
        doc = self.doc
        count = doc.page_count if doc is not None else 0
        self.page_label.setText(self.tr("第 {0} / {1} 页").format(self.page + 1, count) if doc else "")
        zoom = self._current_zoom() if doc else None
        self.zoom_label.setText(f"{zoom * 100:.0f}%" if zoom else "")
        self.buttons["prev"].setEnabled(doc is not None and self.page > 0)
        self.buttons["next"].setEnabled(doc is not None and self.page + 1 < count)
        for key in ("out", "in", "fit", "rotate"):
            self.buttons[key].setEnabled(doc is not None)
