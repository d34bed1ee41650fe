"""The approver's material viewer on real small files: PDF pages (QtPdf) and images, paging, zoom, fit width,
rotate, the keys, and the refusals — not synced, missing, changed bytes, damaged, unsupported — each with its
Chinese message and no crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.i18n.errors import error_text
from client.widgets.material_viewer import MaterialViewerDialog
from gui.ops import Ops
from gui.qt import Qt
from tests.gui.client_support import OPEN_OPS
from tests.gui.material_support import make_image, make_pdf, material


@pytest.fixture
def ops() -> Ops:
    ops = Ops()
    OPEN_OPS.append(ops)
    return ops


def _viewer(qtbot, ops, files, row: int = 0):  # noqa: ANN001, ANN202
    dialog = MaterialViewerDialog(ops, files, "东莞-2026-0001", row=row)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    viewer = dialog.viewer
    viewer.keep_dialog = dialog  # no parent: the dialog lives as long as the test holds its viewer
    return viewer


def _wait_shown(qtbot, viewer, **expect):  # noqa: ANN001, ANN003, ANN202
    """Wait until the page on screen is the one expected (page, rotation …) and return it."""
    def ok() -> bool:
        s = viewer.shown
        return s is not None and all(getattr(s, k) == v for k, v in expect.items())
    qtbot.waitUntil(ok, timeout=5000)
    return viewer.shown


def _key(qtbot, viewer, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    qtbot.keyClick(viewer.scroll, key, modifier)


def test_pdf_pages_page_up_down_and_count(qtbot, ops, tmp_path, screenshot):  # noqa: ANN001
    viewer = _viewer(qtbot, ops, [material(make_pdf(tmp_path / "sqs.pdf", 3))])
    _wait_shown(qtbot, viewer, page=0)
    assert viewer.doc.page_count == 3
    assert viewer.page_label.text() == "第 1 / 3 页"
    assert not viewer.buttons["prev"].isEnabled() and viewer.buttons["next"].isEnabled()
    _key(qtbot, viewer, Qt.Key.Key_PageDown)
    _wait_shown(qtbot, viewer, page=1)
    assert viewer.page_label.text() == "第 2 / 3 页"
    _key(qtbot, viewer, Qt.Key.Key_PageUp)
    _wait_shown(qtbot, viewer, page=0)
    _key(qtbot, viewer, Qt.Key.Key_End)
    _wait_shown(qtbot, viewer, page=2)
    assert not viewer.buttons["next"].isEnabled()
    viewer.next_page()  # past the last page: stays
    assert viewer.page == 2
    bar = viewer.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == 0)  # a new page starts at its top
    screenshot(viewer.window(), "client/viewer-pdf")


def test_zoom_changes_the_rendered_size_and_fit_width_fills_the_view(qtbot, ops, tmp_path):  # noqa: ANN001
    viewer = _viewer(qtbot, ops, [material(make_pdf(tmp_path / "sqs.pdf", 2))])
    # fit width by default, redrawn once the window has its size
    qtbot.waitUntil(lambda: viewer.shown is not None
                    and abs(viewer.shown.image.width() - viewer._fit_target()) <= 1, timeout=5000)
    fitted = viewer.shown
    _key(qtbot, viewer, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    bigger = _wait_shown(qtbot, viewer, zoom=pytest.approx(fitted.zoom * 1.25))
    assert bigger.image.width() == pytest.approx(fitted.image.width() * 1.25, abs=2)
    assert viewer.zoom_label.text() == f"{bigger.zoom * 100:.0f}%"
    _key(qtbot, viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    smaller = _wait_shown(qtbot, viewer, zoom=pytest.approx(fitted.zoom / 1.25))
    assert smaller.image.width() < fitted.image.width()
    _key(qtbot, viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    again = _wait_shown(qtbot, viewer, zoom=pytest.approx(fitted.zoom))
    assert again.image.size() == fitted.image.size()


def test_rotate_swaps_width_and_height(qtbot, ops, tmp_path, screenshot):  # noqa: ANN001
    viewer = _viewer(qtbot, ops, [material(make_pdf(tmp_path / "sqs.pdf", 1))])
    _wait_shown(qtbot, viewer)
    viewer.zoom_in()  # a fixed zoom: fit width would refit the turned page
    upright = _wait_shown(qtbot, viewer, rotation=0, zoom=pytest.approx(viewer.zoom))
    _key(qtbot, viewer, Qt.Key.Key_R)
    turned = _wait_shown(qtbot, viewer, rotation=90)
    assert (turned.image.width(), turned.image.height()) == (upright.image.height(), upright.image.width())
    screenshot(viewer.window(), "client/viewer-pdf-rotated")
    for rotation in (180, 270, 0):
        viewer.rotate()
        _wait_shown(qtbot, viewer, rotation=rotation)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_images_zoom_and_rotate(qtbot, ops, tmp_path, screenshot, suffix):  # noqa: ANN001
    viewer = _viewer(qtbot, ops, [material(make_image(tmp_path / f"yyzz{suffix}", 1200, 800), "营业执照")])
    _wait_shown(qtbot, viewer)
    assert viewer.doc.page_count == 1 and viewer.page_label.text() == "第 1 / 1 页"
    viewer._set_zoom(0.5)
    half = _wait_shown(qtbot, viewer, zoom=0.5)
    assert (half.image.width(), half.image.height()) == (600, 400)
    viewer.zoom_in()
    _wait_shown(qtbot, viewer, zoom=pytest.approx(0.625))
    viewer.rotate()
    turned = _wait_shown(qtbot, viewer, rotation=90)
    assert (turned.image.width(), turned.image.height()) == (500, 750)
    if suffix == ".jpg":
        screenshot(viewer.window(), "client/viewer-image-zoomed-rotated")


def _refusal(qtbot, viewer) -> str:  # noqa: ANN001
    qtbot.waitUntil(lambda: viewer.failure is not None, timeout=5000)
    assert viewer.stack.currentWidget() is viewer.message and viewer.shown is None
    assert viewer.message.text() == error_text(viewer.failure)
    return viewer.failure


def test_damaged_pdf_is_refused_with_a_message(qtbot, ops, tmp_path, screenshot):  # noqa: ANN001
    good = make_pdf(tmp_path / "good.pdf", 2).read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good[: len(good) // 3])  # a cut-off download, recorded as it is
    viewer = _viewer(qtbot, ops, [material(broken)])
    if _refusal(qtbot, viewer) != "material_damaged":
        pytest.fail(viewer.message.text())
    assert "损坏" in viewer.message.text()
    screenshot(viewer.window(), "client/viewer-damaged")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    viewer = _viewer(qtbot, ops, [material(garbage)])
    assert _refusal(qtbot, viewer) == "material_damaged"


def test_changed_bytes_are_refused(qtbot, ops, tmp_path, screenshot):  # noqa: ANN001
    path = make_pdf(tmp_path / "sqs.pdf", 1)
    recorded = material(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit changed after the counter recorded the file
    path.write_bytes(bytes(data))
    viewer = _viewer(qtbot, ops, [recorded])
    assert _refusal(qtbot, viewer) == "material_changed"
    assert "SHA-256" in viewer.message.text() and "拒绝显示" in viewer.message.text()
    screenshot(viewer.window(), "client/viewer-changed")


def test_missing_unsynced_and_unsupported_files(qtbot, ops, tmp_path):  # noqa: ANN001
    gone = material(None, "身份证明", "id.jpg", b"\xff\xd8 recorded")
    gone = gone.__class__(**{**gone.__dict__, "path": tmp_path / "deleted.jpg"})
    text = tmp_path / "note.txt"
    text.write_bytes("不是图片".encode())
    files = [material(None, "身份证明", "id.jpg", b"\xff\xd8 recorded"), gone, material(text, "说明")]
    viewer = _viewer(qtbot, ops, files)
    assert _refusal(qtbot, viewer) == "material_not_synced"
    assert viewer.files.item(0, 3).text() == "未同步到本机"
    viewer.open_file(1)
    assert _refusal(qtbot, viewer) == "material_missing"
    viewer.open_file(2)
    assert _refusal(qtbot, viewer) == "material_unsupported"
    # the buttons do nothing without a document, and nothing crashes
    for key in ("next", "prev", "in", "out", "fit", "rotate"):
        assert not viewer.buttons[key].isEnabled()
    viewer.next_page(), viewer.zoom_in(), viewer.rotate()


def test_choosing_another_file_while_one_opens_shows_the_last_choice(qtbot, ops, tmp_path):  # noqa: ANN001
    files = [material(make_pdf(tmp_path / "a.pdf", 2)), material(make_image(tmp_path / "b.png", 400, 300))]
    viewer = _viewer(qtbot, ops, files)
    viewer.open_file(1)
    qtbot.waitUntil(lambda: viewer.shown is not None and viewer.doc.file.file_name == "b.png", timeout=5000)
    qtbot.wait(100)  # the PDF opened first must not replace it
    assert viewer.doc.file.file_name == "b.png" and viewer.files.currentRow() == 1


def test_big_files_are_checked_and_drawn_off_the_gui_thread(qtbot, ops, tmp_path, monkeypatch):  # noqa: ANN001
    import threading

    from client.widgets.material_viewer import document
    gui = threading.get_ident()
    seen = []
    real_read, real_render = document.read_checked, document.MaterialDocument.render
    monkeypatch.setattr(document, "read_checked", lambda f: seen.append(threading.get_ident()) or real_read(f))
    monkeypatch.setattr(document.MaterialDocument, "render",
                        lambda self, *a: seen.append(threading.get_ident()) or real_render(self, *a))
    viewer = _viewer(qtbot, ops, [material(make_pdf(tmp_path / "a.pdf", 2))])
    _wait_shown(qtbot, viewer)
    assert seen and gui not in seen


def test_files_of_the_same_path_are_read_once(tmp_path: Path) -> None:
    """What is shown is exactly the bytes checked: the PDF is read from memory, not again from the path."""
    from client.widgets.material_viewer.document import open_material
    path = make_pdf(tmp_path / "a.pdf", 2)
    doc = open_material(material(path))
    path.write_bytes(b"replaced after the check")
    assert doc.render(1, 0.5, 0).image.width() > 0


def test_multi_page_tiff_and_exif_orientation(qtbot, ops, tmp_path):  # noqa: ANN001
    """Scanners write multi-page TIFF (one page a frame); phones write JPEGs turned by an EXIF tag."""
    from PIL import Image
    tiff = tmp_path / "scan.tif"
    frames = [Image.new("RGB", (300, 400), (200 + n * 20, 200, 200)) for n in range(3)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    photo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90°; shown upright it is 200 wide, 300 high
    Image.new("RGB", (300, 200), (90, 120, 200)).save(photo, exif=exif)
    viewer = _viewer(qtbot, ops, [material(tiff, "申请书"), material(photo, "现场照片")])
    _wait_shown(qtbot, viewer, page=0)
    assert viewer.doc.page_count == 3 and viewer.page_label.text() == "第 1 / 3 页"
    viewer.next_page()
    _wait_shown(qtbot, viewer, page=1)
    viewer.open_file(1)
    qtbot.waitUntil(lambda: viewer.shown is not None and viewer.doc.file.file_name == "photo.jpg", timeout=5000)
    viewer._set_zoom(1.0)
    upright = _wait_shown(qtbot, viewer, zoom=1.0)
    assert (upright.image.width(), upright.image.height()) == (200, 300)


def test_a_page_too_large_to_draw_is_refused_not_allocated(qtbot, ops, tmp_path):  # noqa: ANN001
    viewer = _viewer(qtbot, ops, [material(make_image(tmp_path / "big.png", 3000, 2000))])
    _wait_shown(qtbot, viewer)
    viewer._set_zoom(4.0)  # 12000 × 8000 pixels
    assert _refusal(qtbot, viewer) == "material_zoom_too_large"
    viewer.zoom_out(), viewer.zoom_out()  # still usable: steps back draw again (7680 × 5120)
    _wait_shown(qtbot, viewer, zoom=pytest.approx(4.0 / 1.25 / 1.25))
