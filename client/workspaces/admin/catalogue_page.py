"""事项目录: the catalogue's items — name, category, the department in charge (picked from the organisation's
departments), statutory and promised limits, fee — with their sub-items (办理项: added, renamed and removed here; the
server keeps one a case may name) and situations, and each situation's materials (required or optional,
original or copy, how many, and a sample — 样表/示例: a note and an uploaded file, catalogue_sample.py).
Saving is versioned on the server (a change of limits or required materials is a new workflow definition
version; cases already received keep theirs). The whole catalogue goes out to, and comes back from, an xlsx
sheet a department fills in."""

from __future__ import annotations

import base64
import copy
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from client.services.admin_api import AdminError
from client.workspaces.admin.admin_widgets import list_form_page, set_choices
from client.workspaces.admin.catalogue_sample import MaterialSamplePanel
from client.workspaces.admin.context import AdminContext, describe_with_reason
from gui.qt import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                    QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                    QTabWidget, QTableWidget, QTableWidgetItem, Qt, QVBoxLayout, QWidget, Signal)

CATEGORIES = (("administrative_licence", "行政许可"), ("public_service", "公共服务"))
FORMS = (("original", "原件"), ("copy", "复印件"), ("original_and_copy", "原件和复印件"), ("electronic", "电子材料"))


class CataloguePage(QWidget):
    sig_loaded = Signal(object)    # the item list, or an AdminError
    sig_opened = Signal(object)    # the item opened (dict), or an AdminError
    sig_changed = Signal(object)   # after a save or an import: the server's answer, or an AdminError
    sig_exported = Signal(object)  # the saved file's path, or an AdminError

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.item: dict[str, Any] | None = None
        self.code: str | None = None
        self.departments: list[dict] = []
        self.material_ids: dict[tuple[str, str], int] = {}  # (situation code, material name) → its server id
        self.saved_sub_items: set[str] = set()  # the opened item's sub-item codes as the server holds them
        self._filling = False
        export = QPushButton(self.tr("导出Excel…"))
        export.clicked.connect(self.choose_export)
        load = QPushButton(self.tr("从Excel导入…"))
        load.clicked.connect(self.choose_import)
        files = QHBoxLayout()
        files.addWidget(export)
        files.addWidget(load)
        parts = list_form_page(self, self.tr("搜索事项名称或编码"), self._editor(), lambda code: self.open(code),
                               min_width=280, width=330, under_list=files)
        self.search, self.items, self.message = parts.search, parts.entries, parts.message
        self.refresh()

    def _editor(self) -> QWidget:
        self.title = QLabel(self.tr("请选择左侧的事项"))
        self.title.setStyleSheet("font-weight: bold; font-size: 15px;")
        self.name = QLineEdit()
        self.category = QComboBox()
        for value, label in CATEGORIES:
            self.category.addItem(self.tr(label), value)
        self.statutory, self.promised = QSpinBox(), QSpinBox()
        for box in (self.statutory, self.promised):
            box.setRange(1, 400)
            box.setSuffix(self.tr(" 个工作日"))
        self.department = QComboBox()  # the organisation's departments, not free text
        self.department.setMinimumContentsLength(10)
        self.fee = QLineEdit()
        self.fee.setPlaceholderText("0.00")
        self.online = QCheckBox(self.tr("可网上办理"))
        self.note = QLineEdit()
        form = QFormLayout()
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 2)
        name_row.addWidget(QLabel(self.tr("主管部门")))
        name_row.addWidget(self.department, 1)
        form.addRow(self.tr("事项名称"), name_row)
        limits = QHBoxLayout()
        for label, widget in (("类别", self.category), ("法定时限", self.statutory), ("承诺时限", self.promised),
                              ("收费（元）", self.fee)):
            limits.addWidget(QLabel(self.tr(label)))
            limits.addWidget(widget, 1)
        limits.addWidget(self.online)
        form.addRow(limits)
        form.addRow(self.tr("备注"), self.note)

        self.situations = QListWidget()
        self.situations.currentRowChanged.connect(self._show_materials)
        self.situation_name = QLineEdit()
        self.situation_name.setPlaceholderText(self.tr("情形名称"))
        self.situation_name.textEdited.connect(self._rename_situation)
        add_situation = QPushButton(self.tr("添加情形"))
        add_situation.clicked.connect(self.add_situation)
        situations = QWidget()
        s_layout = QVBoxLayout(situations)
        s_layout.addWidget(self.situations, 1)
        s_layout.addWidget(self.situation_name)
        s_layout.addWidget(add_situation)

        self.sub_items = QTableWidget(0, 2)
        self.sub_items.setHorizontalHeaderLabels([self.tr("编码"), self.tr("办理项名称")])
        self.sub_items.verticalHeader().hide()
        self.sub_items.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.sub_items.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.sub_items.itemChanged.connect(self._sub_item_edited)
        add_sub_item = QPushButton(self.tr("添加办理项"))
        add_sub_item.clicked.connect(self.add_sub_item)
        self.remove_sub_item_button = QPushButton(self.tr("删除所选办理项"))
        self.remove_sub_item_button.setToolTip(self.tr("已有办件使用的办理项不能删除，可改名"))
        self.remove_sub_item_button.clicked.connect(self.remove_sub_item)
        sub_items = QWidget()
        sub_layout = QVBoxLayout(sub_items)
        sub_layout.addWidget(self.sub_items, 1)
        sub_buttons = QHBoxLayout()
        sub_buttons.addWidget(add_sub_item)
        sub_buttons.addWidget(self.remove_sub_item_button)
        sub_layout.addLayout(sub_buttons)
        # one tab each: on a 1366×768 screen both lists keep the full height
        self.parts = QTabWidget()
        self.parts.addTab(situations, self.tr("情形"))
        self.parts.addTab(sub_items, self.tr("办理项（子项）"))

        self.materials = QTableWidget(0, 4)
        self.materials.setHorizontalHeaderLabels([self.tr("材料名称"), self.tr("必需"), self.tr("形式"), self.tr("份数")])
        self.materials.verticalHeader().hide()
        self.materials.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.materials.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: the pickers are cell widgets, which ResizeToContents does not measure (clipped at 1920)
        for col, width in ((1, 56), (2, 140), (3, 72)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.materials.setColumnWidth(col, width)
        self.materials.itemChanged.connect(self._material_edited)
        self.materials.currentCellChanged.connect(lambda *_: self.sample.show_current())
        # the selected material's sample (样表/示例): shown to the clerk's checklist and the public catalogue
        self.sample = MaterialSamplePanel(self.context, lambda: (self._material(), self._material_id()),
                                          self._material_by_id, self._sample_edited, self._say, self._failed)
        add_material = QPushButton(self.tr("添加材料"))
        add_material.clicked.connect(self.add_material)
        remove_material = QPushButton(self.tr("删除所选材料"))
        remove_material.clicked.connect(self.remove_material)
        materials = QGroupBox(self.tr("所选情形的材料"))
        m_layout = QVBoxLayout(materials)
        m_layout.addWidget(self.materials, 1)
        m_layout.addWidget(self.sample)
        m_buttons = QHBoxLayout()
        m_buttons.addWidget(add_material)
        m_buttons.addWidget(remove_material)
        m_buttons.addStretch(1)
        m_layout.addLayout(m_buttons)
        middle = QHBoxLayout()
        middle.addWidget(self.parts, 2)
        middle.addWidget(materials, 5)

        self.save = QPushButton(self.tr("保存（生成新版本）"))
        self.save.clicked.connect(self.save_item)
        self.save.setEnabled(False)
        bottom = QHBoxLayout()
        note = QLabel(self.tr("时限或必需材料的修改生成新的流程版本：已收件的办件仍按原版本办理。"))
        note.setObjectName("muted")
        note.setWordWrap(True)
        bottom.addWidget(note, 1)
        bottom.addWidget(self.save)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addLayout(form)
        column.addLayout(middle, 1)
        column.addLayout(bottom)
        return editor

    # -- loading ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        api = self.context.api
        self.context.call(lambda: (api.get("/catalogue/items"), api.get("/departments")), on_done=self._listed,
                          on_error=lambda e: self._failed(e, self.sig_loaded))

    def _listed(self, loaded: tuple[list[dict], list[dict]]) -> None:
        items, self.departments = loaded
        set_choices(self.department, [(d["name"], d["id"]) for d in self.departments], self.tr("（未指定）"),
                    keep=self.department.currentData())
        self.items.clear()
        for item in items:
            entry = QListWidgetItem(f"{item['name']}（{item['code']}）")
            entry.setData(Qt.ItemDataRole.UserRole, item["code"])
            self.items.addItem(entry)
        self.sig_loaded.emit(items)

    def open(self, code: str) -> None:
        api = self.context.api
        self.context.call(lambda: (api.get(f"/catalogue/items/{code}"), api.get(f"/admin/catalogue/items/{code}/samples")),
                          on_done=lambda got: self._opened(*got), on_error=lambda e: self._failed(e, self.sig_opened))

    def _opened(self, item: dict, samples: list[dict] | None = None) -> None:
        self.code = item["code"]
        self.saved_sub_items = {s["code"] for s in item["sub_items"]}
        self.material_ids = {(s["code"], m["name"]): m["id"] for s in item["situations"] for m in s["materials"]}
        self.sample.files = {f["material_id"]: f for f in samples or []}
        self.item = {"name": item["name"], "category": item["category"], "department_id": item["department_id"],
                     "statutory_limit_days": item["statutory_limit_days"],
                     "promised_limit_days": item["promised_limit_days"], "fee": str(item["fee"]),
                     "online": item["online"], "note": item["note"],
                     "sub_items": [{"code": s["code"], "name": s["name"]} for s in item["sub_items"]],
                     "removed_sub_items": [],  # saved ones the admin deleted: the server refuses one a case names
                     "situations": [{"code": s["code"], "name": s["name"],
                                     "materials": [{k: m.get(k, "") for k in ("name", "required", "form", "copies",
                                                                              "sample_note", "sample_file")}
                                                   for m in s["materials"]]} for s in item["situations"]]}
        self.title.setText(self.tr("{0}（{1}）").format(item["name"], item["code"]))
        self.name.setText(item["name"])
        self.category.setCurrentIndex([v for v, _ in CATEGORIES].index(item["category"]))
        self.department.setCurrentIndex(max(self.department.findData(item["department_id"]), 0))
        self._show_sub_items()
        self.statutory.setValue(item["statutory_limit_days"])
        self.promised.setValue(item["promised_limit_days"])
        self.fee.setText(str(item["fee"]))
        self.online.setChecked(item["online"])
        self.note.setText(item["note"])
        self.situations.clear()
        for situation in self.item["situations"]:
            self.situations.addItem(situation["name"])
        self.situations.setCurrentRow(0)
        self.save.setEnabled(True)
        self.sig_opened.emit(copy.deepcopy(item))

    # -- sub-items (办理项) ---------------------------------------------------------------------------------
    def _show_sub_items(self) -> None:
        self._filling = True
        subs = self.item["sub_items"] if self.item is not None else []
        self.sub_items.setRowCount(len(subs))
        for row, sub_item in enumerate(subs):
            code = QTableWidgetItem(sub_item["code"])
            code.setFlags(code.flags() & ~Qt.ItemFlag.ItemIsEditable)  # cases name a sub-item by its code
            self.sub_items.setItem(row, 0, code)
            self.sub_items.setItem(row, 1, QTableWidgetItem(sub_item["name"]))
        self._filling = False

    def _sub_item_edited(self, cell: QTableWidgetItem) -> None:
        if self._filling or self.item is None or cell.column() != 1:
            return
        self.item["sub_items"][cell.row()]["name"] = cell.text().strip()

    def add_sub_item(self) -> None:
        if self.item is None:
            return
        taken = {s["code"] for s in self.item["sub_items"]}
        code = next(f"{self.code}-{n:02d}" for n in range(1, 1000) if f"{self.code}-{n:02d}" not in taken)
        self.item["sub_items"].append({"code": code, "name": self.tr("新办理项")})
        self._show_sub_items()
        self.sub_items.setCurrentCell(len(self.item["sub_items"]) - 1, 1)

    def remove_sub_item(self) -> None:
        row = self.sub_items.currentRow()
        if self.item is None or not 0 <= row < len(self.item["sub_items"]):
            return
        code = self.item["sub_items"].pop(row)["code"]
        if code in self.saved_sub_items:  # one the server holds: deleted by the save (a new one just goes)
            self.item["removed_sub_items"].append(code)
        self._show_sub_items()

    # -- situations and materials -------------------------------------------------------------------------
    def _situation(self) -> dict | None:
        row = self.situations.currentRow()
        return self.item["situations"][row] if self.item is not None and 0 <= row < len(self.item["situations"]) \
            else None

    def _show_materials(self, _row: int = 0) -> None:
        situation = self._situation()
        self._filling = True
        self.situation_name.setText(situation["name"] if situation else "")
        materials = situation["materials"] if situation else []
        self.materials.setRowCount(len(materials))
        for row, material in enumerate(materials):
            name = QTableWidgetItem(material["name"])
            name.setToolTip(self.sample.tip(material))
            self.materials.setItem(row, 0, name)
            required = QCheckBox()
            required.setChecked(material["required"])
            required.toggled.connect(lambda on, m=material: m.__setitem__("required", on))
            self.materials.setCellWidget(row, 1, required)
            form = QComboBox()
            for value, label in FORMS:
                form.addItem(self.tr(label), value)
            form.setCurrentIndex(max(0, [v for v, _ in FORMS].index(material["form"])
                                     if material["form"] in dict(FORMS) else 0))
            form.currentIndexChanged.connect(lambda _, m=material, f=form: m.__setitem__("form", f.currentData()))
            self.materials.setCellWidget(row, 2, form)
            copies = QSpinBox()
            copies.setRange(1, 99)
            copies.setValue(material["copies"])
            copies.valueChanged.connect(lambda n, m=material: m.__setitem__("copies", n))
            self.materials.setCellWidget(row, 3, copies)
        self._filling = False
        self.sample.show_current()

    def _material(self, row: int | None = None) -> dict | None:
        situation = self._situation()
        row = self.materials.currentRow() if row is None else row
        return situation["materials"][row] if situation is not None and 0 <= row < len(situation["materials"]) \
            else None

    def _material_id(self) -> int | None:
        situation, material = self._situation(), self._material()
        if situation is None or material is None:
            return None
        return self.material_ids.get((situation["code"], material["name"]))

    def _sample_edited(self, material: dict) -> None:
        cell = self.materials.item(self.materials.currentRow(), 0)
        if cell is not None:
            cell.setToolTip(self.sample.tip(material))

    def _material_by_id(self, material_id: int) -> dict | None:
        for situation in (self.item or {}).get("situations", []):
            for material in situation["materials"]:
                if self.material_ids.get((situation["code"], material["name"])) == material_id:
                    return material
        return None

    def _material_edited(self, cell: QTableWidgetItem) -> None:
        situation = self._situation()
        if self._filling or situation is None or cell.column() != 0:
            return
        situation["materials"][cell.row()]["name"] = cell.text().strip()

    def _rename_situation(self, text: str) -> None:
        situation = self._situation()
        if situation is not None:
            situation["name"] = text.strip()
            self.situations.currentItem().setText(text.strip())

    def add_situation(self) -> None:
        if self.item is None:
            return
        taken = {s["code"] for s in self.item["situations"]}
        code = next(f"{self.code}-S{n:02d}" for n in range(1, 100) if f"{self.code}-S{n:02d}" not in taken)
        self.item["situations"].append({"code": code, "name": self.tr("新情形"), "materials": []})
        self.situations.addItem(self.tr("新情形"))
        self.situations.setCurrentRow(len(self.item["situations"]) - 1)

    def add_material(self) -> None:
        situation = self._situation()
        if situation is None:
            return
        situation["materials"].append({"name": self.tr("新材料"), "required": True, "form": "copy", "copies": 1,
                                       "sample_note": "", "sample_file": ""})
        self._show_materials()
        self.materials.selectRow(len(situation["materials"]) - 1)

    def remove_material(self) -> None:
        situation = self._situation()
        rows = sorted({i.row() for i in self.materials.selectedIndexes()}, reverse=True)
        if situation is None or not rows:
            return
        for row in rows:
            situation["materials"].pop(row)
        self._show_materials()

    # -- saving -------------------------------------------------------------------------------------------
    def save_item(self) -> None:
        if self.item is None:
            return
        try:
            fee = Decimal(self.fee.text().strip() or "0")
        except InvalidOperation:
            self._say(self.tr("收费应为金额，例如 0 或 120.50"), error=True)
            return
        body = {**copy.deepcopy(self.item), "name": self.name.text().strip(), "category": self.category.currentData(),
                "department_id": self.department.currentData(),
                "statutory_limit_days": self.statutory.value(), "promised_limit_days": self.promised.value(),
                "fee": str(fee), "online": self.online.isChecked(), "note": self.note.text().strip()}
        code = self.code

        def done(saved: dict) -> None:
            versions = "、".join(f"{s['name']} v{saved['definition_versions'][s['code']]}"
                                for s in saved["item"]["situations"] if s["code"] in saved["definition_versions"])
            self._say(self.tr("已保存。新收件按：{0}").format(versions))
            self._opened(saved["item"])
            self.sig_changed.emit(saved)
        self.context.call(lambda: self.context.api.put(f"/admin/catalogue/items/{code}", body), on_done=done,
                          on_error=lambda e: self._failed(e, self.sig_changed))

    def choose_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出事项目录"), "事项目录.xlsx", "Excel (*.xlsx)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        def run() -> Path:
            sheet = self.context.api.get("/admin/catalogue/export")
            path.write_bytes(base64.b64decode(sheet["xlsx_base64"]))
            return path
        self.context.call(run, on_done=lambda p: (self._say(self.tr("已导出到 {0}").format(p)),
                                                  self.sig_exported.emit(p)),
                          on_error=lambda e: self._failed(e, self.sig_exported))

    def choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("导入事项目录"), "", "Excel (*.xlsx)")
        if name:
            self.import_from(Path(name))

    def import_from(self, path: Path) -> None:
        def run() -> dict:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return self.context.api.post("/admin/catalogue/import", {"filename": path.name, "xlsx_base64": data})

        def done(result: dict) -> None:
            self._say(self.tr("已导入 {0} 个事项，生成 {1} 个新流程版本").format(result["items"], result["new_versions"]))
            self.refresh()
            if self.code:
                self.open(self.code)
            self.sig_changed.emit(result)
        self.context.call(run, on_done=done, on_error=lambda e: self._failed(e, self.sig_changed))

    def _failed(self, error: AdminError, signal) -> None:  # noqa: ANN001
        text = describe_with_reason(error)
        rows = (error.details.get("details") or {}).get("errors") or []
        if rows:
            text = self.tr("表格有误，未导入任何内容：") + "；".join(
                self.tr("第{0}行：{1}").format(r["row"], r["message"]) for r in rows[:8])
        self._say(text, error=True)
        signal.emit(error)

    def _say(self, text: str, error: bool = False) -> None:
        (self.message.failed if error else self.message.done)(text)
