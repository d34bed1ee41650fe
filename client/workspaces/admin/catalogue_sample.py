"""事项目录's sample part (样表/示例) for the material selected on the page: a note, and a sample file uploaded to
the server (PDF, JPEG or PNG, checked by its content with the shared rule before it is sent; the counters fetch
it and open it offline), or removed. The note and the file name are part of the item the page saves; the
file itself goes to the server at once (only for a material the server already holds)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from client.services.admin_api import AdminError
from client.workspaces.admin.context import AdminContext
from gui.qt import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget, Signal
from shared.material_sample import SAMPLE_MAX_BYTES, TOO_LARGE, SampleRefused, check_sample

KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class MaterialSamplePanel(QWidget):
    """`current()` gives the selected material (its dict in the page's draft, or None) and its server id (None
    for a material not saved yet); `find(id)` the draft's material of an id; `edited(material)` is told when
    its note or file name changed; `say(text, error)` shows an outcome on the page's status line and
    `failed(error, signal)` a refusal."""
    sig_sample = Signal(object)  # a sample file uploaded or removed: the server's answer (None), or an AdminError

    def __init__(self, context: AdminContext, current: Callable[[], tuple[dict | None, int | None]],
                 find: Callable[[int], dict | None], edited: Callable[[dict], None],
                 say: Callable[..., None], failed: Callable[[AdminError, object], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.current, self.find, self.edited = context, current, find, edited
        self.say, self.failed = say, failed
        self.files: dict[int, dict] = {}  # material id → its uploaded sample file (SampleOut)
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(self.tr("填写说明或示例（可不填）"))
        self.note.textEdited.connect(lambda text: self._set("sample_note", text.strip()))
        self.file = QLineEdit()
        self.file.setMaxLength(200)
        self.file.setPlaceholderText(self.tr("样表文件名，如 申请表样表.pdf"))
        self.file.textEdited.connect(lambda text: self._set("sample_file", text.strip()))
        self.upload_button = QPushButton(self.tr("上传样表…"))
        self.upload_button.setToolTip(self.tr("PDF、JPEG或PNG，不超过{0}MB；保存后的材料才能上传")
                                      .format(SAMPLE_MAX_BYTES // 1048576))
        self.upload_button.clicked.connect(self.choose_file)
        self.remove_button = QPushButton(self.tr("删除样表文件"))
        self.remove_button.clicked.connect(self.remove)
        self.state = QLabel("")
        self.state.setObjectName("muted")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("样表说明"), self.note)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.upload_button)
        row.addWidget(self.remove_button)
        form.addRow(self.tr("样表文件"), row)
        form.addRow("", self.state)

    def tip(self, material: dict) -> str:
        parts = [material.get("sample_note", ""), material.get("sample_file", "")]
        return self.tr("样表：{0}").format("；".join(p for p in parts if p)) if any(parts) else ""

    def show_current(self) -> None:
        material, material_id = self.current()
        for edit, key in ((self.note, "sample_note"), (self.file, "sample_file")):
            edit.setEnabled(material is not None)
            edit.setText(material.get(key, "") if material else "")
        uploaded = self.files.get(material_id) if material_id is not None else None
        self.upload_button.setEnabled(material is not None)
        self.remove_button.setEnabled(uploaded is not None)
        if material is None:
            self.state.setText("")
        elif uploaded is not None:
            self.state.setText(self.tr("已上传：{0}（{1}，{2} KB），窗口端同步后可离线查看").format(
                uploaded["file_name"], KIND_NAMES.get(uploaded["mime"], uploaded["mime"]),
                max(1, round(uploaded["size"] / 1024))))
        elif material_id is None:
            self.state.setText(self.tr("新材料：保存事项后才能上传样表文件"))
        else:
            self.state.setText(self.tr("未上传样表文件"))

    def _set(self, key: str, text: str) -> None:
        material, _ = self.current()
        if material is not None:
            material[key] = text
            self.edited(material)

    def choose_file(self) -> None:
        if self.current()[0] is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择样表文件"), "",
                                              self.tr("样表 (*.pdf *.jpg *.jpeg *.png)"))
        if name:
            self.upload(Path(name))

    def upload(self, path: Path) -> None:
        """Send the file as the selected material's sample: read and checked (type by content, size) off the GUI
        thread with the server's own rule, so a wrong file is refused before anything is sent."""
        material_id = self.current()[1]
        if material_id is None:
            error = AdminError("sample_material_unsaved", self.tr("请先保存事项，再为新材料上传样表文件"))
            self.say(error.message, error=True)
            self.sig_sample.emit(error)
            return
        api = self.context.api

        def run() -> dict:
            try:
                if path.stat().st_size > SAMPLE_MAX_BYTES:
                    raise SampleRefused("too large", code=TOO_LARGE)
                data = path.read_bytes()
                check_sample(data)
            except SampleRefused as exc:
                raise AdminError(exc.code) from None
            except OSError as exc:
                raise AdminError("sample_unreadable", str(exc)) from None
            return api.put(f"/admin/catalogue/materials/{material_id}/sample",
                           {"file_name": path.name, "data": base64.b64encode(data).decode("ascii")})
        self.upload_button.setEnabled(False)
        self.context.call(run, on_done=self._uploaded, on_error=self._failed)

    def _uploaded(self, answer: dict) -> None:
        self.files[answer["material_id"]] = answer
        material = self.find(answer["material_id"])
        if material is not None:
            material["sample_file"] = answer["file_name"]  # the server named it so; a save keeps it
        self.show_current()
        self.say(self.tr("已上传样表：{0}").format(answer["file_name"]))
        self.sig_sample.emit(answer)

    def remove(self) -> None:
        material_id = self.current()[1]
        if material_id is None or material_id not in self.files:
            return
        api = self.context.api
        self.context.call(lambda: api.delete(f"/admin/catalogue/materials/{material_id}/sample"),
                          on_done=lambda _: self._removed(material_id), on_error=self._failed)

    def _removed(self, material_id: int) -> None:
        self.files.pop(material_id, None)
        material = self.find(material_id)
        if material is not None:
            material["sample_file"] = ""
        self.show_current()
        self.say(self.tr("已删除样表文件"))
        self.sig_sample.emit(None)

    def _failed(self, error: AdminError) -> None:
        self.show_current()
        self.failed(error, self.sig_sample)
