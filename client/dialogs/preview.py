"""Preview of a material's attached files: images shown scaled, other files listed by name."""

from __future__ import annotations

from pathlib import Path

from gui.qt import QDialog, QLabel, QListWidget, QPixmap, Qt, QVBoxLayout

IMAGES = {".png", ".jpg", ".jpeg", ".bmp", ".gif"}


class PreviewDialog(QDialog):
    def __init__(self, material: str, paths: list[str], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("附件预览 · {0}").format(material))
        self.resize(720, 560)
        self.files = QListWidget()
        self.image = QLabel(self.tr("（非图片文件，仅列出文件名）"))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumHeight(380)
        for p in paths:
            self.files.addItem(Path(p).name)
        self.files.currentRowChanged.connect(lambda row: self._show(paths[row]) if 0 <= row < len(paths) else None)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.files)
        if paths:
            self.files.setCurrentRow(0)

    def _show(self, path: str) -> None:
        if Path(path).suffix.lower() in IMAGES:
            pixmap = QPixmap(path)
            if not pixmap.isNull():
                self.image.setPixmap(pixmap.scaled(680, 380, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))
                return
        self.image.setText(self.tr("（非图片文件）{0}").format(Path(path).name))
