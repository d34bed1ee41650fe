"""The situation's materials checklist: mark each received, attach files (file dialog) or stills from the
document camera (拍照, when one is configured), preview them. A material with a sample (样表/示例, set in the
admin catalogue) shows it under its name, so the clerk can tell the citizen how to fill it in."""

from __future__ import annotations

from pathlib import Path

from gui.qt import (QAbstractItemView, QBrush, QCheckBox, QColor, QFileDialog, QHBoxLayout, QHeaderView,
                       QPushButton,
                       QTableWidget, QTableWidgetItem, QWidget, Signal)
from client.services.catalogue import SituationChoice
from client.widgets.style import mark


class MaterialsChecklist(QTableWidget):
    sig_changed = Signal()
    sig_preview = Signal(str, object)  # material, paths
    sig_capture = Signal(str)  # material: take a still with the document camera
    sig_sample = Signal(str)   # material: open its sample file (样表) in the viewer

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([self.tr("已收"), self.tr("材料名称"), self.tr("要求"), self.tr("附件")])
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.setWordWrap(True)  # long material names wrap (rows grow) rather than being cut off
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.materials: list[tuple[str, bool]] = []
        self.checks: list[QCheckBox] = []
        self.files: dict[str, list[str]] = {}
        self.can_capture = False  # a document camera is configured: each row offers 拍照
        # (situation code, material) → whether the admin uploaded a sample file for it: the row offers 样表
        self.has_sample_file = lambda situation, material: False
        self.situation_code = ""
        self._cells: dict[str, QPushButton] = {}  # material → its 预览 button (shows the file count)
        # the types the server takes (shared.attachments.rules); the content is checked again at acceptance
        self.pick_files = lambda: QFileDialog.getOpenFileNames(self, self.tr("选择附件"), "",
                                                               self.tr("扫描件或照片 (*.pdf *.jpg *.jpeg *.png)"))[0]

    def load(self, situation: SituationChoice | None) -> None:
        self.materials = list(situation.materials) if situation else []
        self.situation_code = situation.code if situation else ""
        self.samples = {name: situation.sample_of(name) for name, _ in self.materials} if situation else {}
        self.checks, self.files, self._cells = [], {}, {}
        self.setRowCount(len(self.materials))
        for row, (name, required) in enumerate(self.materials):
            check = QCheckBox()
            check.toggled.connect(self.sig_changed)
            holder = QWidget()
            box = QHBoxLayout(holder)
            box.setContentsMargins(8, 0, 0, 0)
            box.addWidget(check)
            self.setCellWidget(row, 0, holder)
            self.checks.append(check)
            item = QTableWidgetItem(name + self._sample_line(name))
            item.setToolTip(name + self._sample_line(name))
            self.setItem(row, 1, item)
            need = QTableWidgetItem(self.tr("必交") if required else self.tr("选交"))
            need.setForeground(QBrush(QColor("#c62828" if required else "#66788a")))
            self.setItem(row, 2, need)
            self.setCellWidget(row, 3, self._attach_cell(name))
        self.resizeRowsToContents()
        self.sig_changed.emit()

    def _sample_line(self, name: str) -> str:
        note, file = self.samples.get(name, ("", ""))
        if not (note or file):
            return ""
        return "\n" + self.tr("样表：{0}").format("；".join(p for p in (note, file) if p))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self.resizeRowsToContents()  # the name column's width changed: wrapped names need other heights

    def _attach_cell(self, name: str) -> QWidget:
        """Compact buttons (the name column keeps its room on a 1366-wide screen); 预览 shows the file count."""
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(4, 0, 4, 0)
        box.setSpacing(4)
        attach = mark(QPushButton(self.tr("文件…")), "compact")
        preview = mark(QPushButton(self.tr("预览")), "compact")
        preview.setEnabled(False)
        self._cells[name] = preview
        attach.clicked.connect(lambda: self.add_files(name, [p for p in self.pick_files() if Path(p).is_file()]))
        preview.clicked.connect(lambda: self.sig_preview.emit(name, list(self.files.get(name, []))))
        box.addWidget(attach)
        if self.can_capture:
            shoot = mark(QPushButton(self.tr("拍照")), "compact")
            shoot.setObjectName(f"capture_{len(self._cells) - 1}")
            shoot.clicked.connect(lambda: self.sig_capture.emit(name))
            box.addWidget(shoot)
        box.addWidget(preview)
        if self.has_sample_file(self.situation_code, name):
            sample = mark(QPushButton(self.tr("样表")), "compact")
            sample.setObjectName(f"sample_{len(self._cells) - 1}")
            sample.setToolTip(self.tr("打开该材料的样表，给申请人参照填写"))
            sample.clicked.connect(lambda: self.sig_sample.emit(name))
            box.addWidget(sample)
        return cell

    def add_files(self, name: str, paths: list[str]) -> None:
        """Attach files (chosen, or a camera still) to a material, which then counts as received."""
        if not paths or name not in self._cells:
            return
        self.files.setdefault(name, []).extend(paths)
        preview = self._cells[name]
        preview.setText(self.tr("预览({0})").format(len(self.files[name])))
        preview.setEnabled(True)
        self.set_received(name, True)

    def set_received(self, name: str, received: bool) -> None:
        for (material, _), check in zip(self.materials, self.checks):
            if material == name:
                check.setChecked(received)

    def received(self) -> tuple[str, ...]:
        return tuple(name for (name, _), check in zip(self.materials, self.checks) if check.isChecked())

    def attachments(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(paths) for name, paths in self.files.items() if paths}

