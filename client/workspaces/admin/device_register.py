"""注册新设备: register a device of any kind for the chosen hall (and window, for the kinds that stand at one)
through the server's provisioning (POST /api/v1/sync/provision, the same code as `python -m server provision`)
and hand its config over as the file the device program loads — or make a one-time registration code shown as
a QR code (POST /api/v1/sync/registration-codes) that the new device scans at its first start to register
itself (kiosk/enrol.py; the desktop client's 扫码登记本机, client/windows/enrol.py). The QR code never shows a
token: the config file, which holds one, is not a QR code."""

from __future__ import annotations

from pathlib import Path

from client.services.device_handover import KINDS, Handover, from_reply, qr_png, save_config
from client.services.workstation import CLIENT_KINDS
from client.workspaces.admin.context import AdminContext, describe
from gui.qt import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPixmap,
                    QPlainTextEdit, QPushButton, Qt, QVBoxLayout, QWidget, Signal)


class RegisterPanel(QGroupBox):
    sig_registered = Signal(object)  # the Handover, a registration code (the server's reply), or an AdminError
    sig_saved = Signal(object)       # the saved file's Path

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("注册新设备"))
        self.context = context
        self.hall_code = ""
        self.handover: Handover | None = None
        self.kind_box = QComboBox()
        for name, (label, _) in KINDS.items():
            self.kind_box.addItem(self.tr(label), name)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.window_box = QComboBox()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("可不填：按大厅和类型命名"))
        self.server_edit = QLineEdit(context.services.workstation.server_url)
        self.register_button = QPushButton(self.tr("注册并生成配置"))
        self.register_button.clicked.connect(self.register)
        self.code_button = QPushButton(self.tr("生成扫码登记二维码"))
        self.code_button.clicked.connect(self.make_code)
        self.qr_text = ""  # the registration QR code's text (server, hall, one-time code)
        form = QFormLayout()
        form.addRow(self.tr("设备类型"), self.kind_box)
        form.addRow(self.tr("窗口"), self.window_box)
        form.addRow(self.tr("设备名称"), self.name_edit)
        form.addRow(self.tr("服务器地址"), self.server_edit)

        self.result = QLabel(self.tr("注册后在此显示设备配置，保存为文件拷贝到设备；或生成登记二维码，新设备首次启动时扫码自行登记。"))
        self.result.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setMinimumSize(120, 120)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(80)
        self.save_button = QPushButton(self.tr("保存配置文件…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save_as)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.code_button)
        buttons.addWidget(self.register_button)
        saving = QHBoxLayout()
        saving.addStretch(1)
        saving.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        handed = QHBoxLayout()  # side by side: the whole QR code stays visible on a 768-pixel screen
        handed.addWidget(self.qr)
        handed.addWidget(self.text, 1)
        layout.addLayout(handed, 1)
        layout.addLayout(saving)
        self._kind_changed()

    def set_hall(self, code: str, windows: list[int]) -> None:
        self.hall_code = code
        self.window_box.clear()
        for number in windows:
            self.window_box.addItem(self.tr("{n}号窗口").format(n=number), number)
        self._kind_changed()

    def select_kind(self, kind: str) -> None:
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))

    def _kind_changed(self) -> None:
        at_window = KINDS[self.kind_box.currentData()][1]
        self.window_box.setEnabled(at_window)

    def _body(self) -> dict:
        kind = self.kind_box.currentData()
        body = {"kind": kind, "hall": self.hall_code, "server": self.server_edit.text().strip(),
                "name": self.name_edit.text().strip()}
        if KINDS[kind][1]:
            body["window"] = self.window_box.currentData()
        return body

    def make_code(self) -> None:
        """A one-time registration code as a QR code, for the device to scan at its first start."""
        body = self._body()
        self.code_button.setEnabled(False)
        self.result.setText(self.tr("正在生成登记二维码……"))
        self.context.call(lambda: self.context.api.post("/sync/registration-codes", body),
                          on_done=self._code_made, on_error=self._failed)

    def _code_made(self, reply: dict) -> None:
        self.code_button.setEnabled(True)
        self.handover, self.qr_text = None, reply["qr_text"]
        self.save_button.setEnabled(False)
        kind = self.kind_box.currentData()
        label = KINDS.get(kind, ("",))[0]
        until = reply["expires_at"][:16].replace("T", " ")
        self._show_qr(self.qr_text)
        if kind in CLIENT_KINDS:  # the desktop client: its first start opens 扫码登记本机 by itself
            self.result.setText(self.tr("登记二维码已生成：新{kind}首次启动客户端时显示「扫码登记本机」，扫描此码即自行登记。"
                                        "此码只能使用一次，{until}（UTC）前有效，不含设备令牌。").format(kind=label,
                                                                                       until=until))
            self.text.setPlainText(self.tr("启动命令：python -m client\n"
                                           "（也可把下面的登记码文字粘贴到「扫码登记本机」界面）\n{code}")
                                   .format(code=self.qr_text))
        else:
            self.result.setText(self.tr("登记二维码已生成：新{kind}首次启动（--enrol）时扫描此码即自行登记。"
                                        "此码只能使用一次，{until}（UTC）前有效，不含设备令牌。").format(kind=label,
                                                                                       until=until))
            self.text.setPlainText(self.tr("启动命令：python -m kiosk --mode {kind} --config 设备配置文件 --enrol\n"
                                           "（配置文件中只需写明扫码器等外设）").format(kind=kind))
        self.sig_registered.emit(reply)

    def register(self) -> None:
        body = self._body()
        self.register_button.setEnabled(False)
        self.result.setText(self.tr("正在注册……"))
        self.context.call(lambda: from_reply(self.context.api.post("/sync/provision", body)),
                          on_done=self._registered, on_error=self._failed)

    def _registered(self, handover: Handover) -> None:
        self.register_button.setEnabled(True)
        self.handover = handover
        label = KINDS.get(handover.kind, (handover.kind,))[0]
        self.result.setText(self.tr("已注册{kind}，设备编号 {id}。配置含设备令牌，请妥善保管；保存为 {file} 后拷贝到设备，"
                                    "或改用登记二维码。").format(kind=label, id=handover.device_id,
                                                             file=handover.file_name))
        self.qr.clear()  # the file holds the device's token: it is never shown as a QR code
        self.qr.hide()  # the file's text takes the width
        self.text.setPlainText(handover.config)
        self.save_button.setEnabled(True)
        self.sig_registered.emit(handover)

    def _failed(self, error) -> None:  # noqa: ANN001
        self.register_button.setEnabled(True)
        self.code_button.setEnabled(True)
        self.result.setText(describe(error))
        self.sig_registered.emit(error)

    def _show_qr(self, text: str) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(qr_png(text, scale=4))
        self.qr.setPixmap(pixmap)
        self.qr.setMinimumSize(pixmap.size())
        self.qr.show()

    def server_url(self) -> str:
        return self.server_edit.text().strip()

    def show_rotated(self, device: dict, reply: dict) -> None:
        """A rotated token: the device's new config file, to save and copy over the old one (a file, never a QR
        code: it holds the token)."""
        self.handover = Handover(reply["device_id"], device["kind"], reply["file_name"], reply["config"])
        self.result.setText(self.tr("已为 {name} 更换令牌，旧令牌已失效。请保存新的配置文件 {file}，拷贝到设备替换旧文件"
                                    "（扫码器、打印机等外设配置段请从旧文件中保留），然后重启设备程序。")
                            .format(name=device["name"], file=reply["file_name"]))
        self.qr.clear()
        self.qr.hide()
        self.text.setPlainText(reply["config"])
        self.save_button.setEnabled(True)
        self.sig_registered.emit(self.handover)

    def show_refusal(self, error) -> None:  # noqa: ANN001
        self._failed(error)

    def _save_as(self) -> None:
        if self.handover is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存设备配置"), self.handover.file_name,
                                              self.tr("设备配置 (*.toml)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path:
        """Write the handed-over config to `path` (owner-only: it holds the device token)."""
        assert self.handover is not None, "nothing registered yet"
        save_config(path, self.handover.config)
        self.result.setText(self.tr("配置已保存到 {path}。在设备上启动：{command}")
                            .format(path=path, command=self.handover.start_command(path)))
        self.sig_saved.emit(path)
        return path
