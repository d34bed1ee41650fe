"""The list of a case's material files: material, file name, size and whether it is on this PC. The case detail
shows it with a 查看 button a row; the viewer shows it beside the page. Double-click opens a file too."""

from __future__ import annotations

from client.services.material_files import MaterialFile
from gui.qt import QAbstractItemView, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, Qt, Signal


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


class MaterialFileTable(QTableWidget):
    sig_view = Signal(int)  # row of the file to open

    def __init__(self, view_buttons: bool = False, parent=None) -> None:  # noqa: ANN001
        super().__init__(0, 5 if view_buttons else 4, parent)
        self.view_buttons = view_buttons
        headers = [self.tr("材料"), self.tr("文件"), self.tr("大小"), self.tr("状态")]
        self.setHorizontalHeaderLabels(headers + ([""] if view_buttons else []))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.files: list[MaterialFile] = []
        self.cellDoubleClicked.connect(lambda row, _: self.sig_view.emit(row))

    def set_files(self, files: list[MaterialFile]) -> None:
        self.files = list(files)
        self.setRowCount(len(self.files))
        for row, f in enumerate(self.files):
            status = self.tr("已同步") if f.path is not None else self.tr("未同步到本机")
            for col, text in enumerate((f.material, f.file_name, size_text(f.size), status)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{f.file_name}\nSHA-256 {f.sha256}" if col == 1 else text)
                if col == 3 and f.path is None:
                    item.setForeground(Qt.GlobalColor.darkYellow)
                self.setItem(row, col, item)
            if self.view_buttons:
                button = QPushButton(self.tr("查看"))
                button.setObjectName(f"view_{row}")
                button.clicked.connect(lambda _=False, r=row: self.sig_view.emit(r))
                self.setCellWidget(row, 4, button)
