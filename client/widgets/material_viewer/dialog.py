"""The viewer in its own window, opened from the case detail: not modal, so the approver can read the
materials beside the case while writing the opinion."""

from __future__ import annotations

from client.services.material_files import MaterialFile
from client.widgets.material_viewer.viewer import MaterialViewer
from gui.ops import Ops
from gui.qt import QDialog, QGuiApplication, Qt, QVBoxLayout


class MaterialViewerDialog(QDialog):
    def __init__(self, ops: Ops, files: list[MaterialFile], title: str, row: int = 0, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("材料查看 · {0}").format(title))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # frees the file's bytes and pages
        self.viewer = MaterialViewer(ops, files, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.viewer)
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        width, height = (1200, 860) if area is None else (min(1200, area.width() - 40),
                                                          min(860, area.height() - 40))
        self.resize(width, height)
        self.viewer.open_file(row)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.viewer.release()
        super().closeEvent(event)
