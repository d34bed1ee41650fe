"""扫码登记本机: the first start of a workstation with no device credentials. It waits for the admin's
registration QR code (设备管理 → 生成扫码登记二维码, kind 窗口受理工作站 or 审批工作站) on the workstation's
scanner — a USB scanner in keyboard mode (the keyboard-wedge filter) or a serial/network one named by a
[scanner] section of workstation.toml — or its camera (the [camera] section: OpenCV capture + pyzbar,
drivers/scanner/camera.py), or takes the code's text pasted by the admin. The code is redeemed and
workstation.toml written off the GUI thread (client.services.workstation.register_by_code, the kiosk's shared
code); then the login window follows. An admin's PC before its hall exists skips it and signs in
unregistered."""

from __future__ import annotations

from client.i18n.errors import error_text
from client.services.workstation import Workstation, register_by_code
from gui.ops import Ops
from gui.qt import (QApplication, QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, Qt,
                    QVBoxLayout, Signal)
from shared.enrolment import EnrolFailed
from shared.protocol.registration import is_registration


class EnrolDialog(QDialog):
    sig_enrolled = Signal(object)  # the registered Workstation, read back from the written file
    sig_skipped = Signal()

    def __init__(self, workstation: Workstation, ops: Ops, parent=None,  # noqa: ANN001
                 register=register_by_code,  # noqa: ANN001  (data dir, code text, server) -> Workstation
                 wedge: bool = True, server_url: str | None = None) -> None:
        super().__init__(parent)
        self.workstation, self.ops, self._register = workstation, ops, register
        self.server_url = server_url  # `--server` given on the command line wins over the file, as at login
        self.busy = False
        self.setWindowTitle(self.tr("GovHall 政务大厅 · 扫码登记本机"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("政") * 36)  # wider in large type too
        title = QLabel(self.tr("扫码登记本机"))
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        size = QApplication.font().pointSizeF() * 20 / 11  # as the login's title: larger with 大字体
        title.setStyleSheet(f"font-size: {size:.1f}pt; font-weight: bold;")
        intro = QLabel(self.tr("本机尚未登记为大厅的工作站。请管理员在「系统管理 → 设备管理」中选择"
                               "「窗口受理工作站」或「审批工作站」，生成扫码登记二维码，然后用本机的扫码枪扫描；"
                               "也可以把登记码的文字粘贴到下面。登记码只能使用一次，不含设备令牌。"))
        intro.setWordWrap(True)
        self.code_edit = QPlainTextEdit()
        self.code_edit.setPlaceholderText(self.tr("GOVHALL-REG:{…}（扫码或粘贴登记码）"))
        self.code_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.register_button = QPushButton(self.tr("登记"))
        self.register_button.setDefault(True)
        self.register_button.clicked.connect(self.submit_pasted)
        self.skip_button = QPushButton(self.tr("暂不登记，直接登录"))
        self.skip_button.setToolTip(self.tr("管理员在大厅建好之前使用：不登记时本机不同步，离线不能办理业务"))
        self.skip_button.clicked.connect(self._skip)
        self.message = QLabel(self.tr("等待扫码……"))
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)  # a refusal's two lines
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.code_edit)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.scanner = None
        self.wedge = None
        if "scanner" in workstation.devices:  # a serial/CDC or network scanner: read on its own thread
            from drivers import factory
            from drivers.qt.devices import LineScannerAdapter
            self.scanner = LineScannerAdapter(factory.line_scanner(workstation.devices["scanner"]), self)
            self.scanner.sig_scanned.connect(self.scanned)
            # a serial port empties its input when opened: ask for the scan only once it is open
            self._say(self.tr("正在连接扫码枪……（也可粘贴登记码文字）"))
            self.scanner.sig_ready.connect(self._scanner_open)
            self.scanner.sig_recovered.connect(self._scanner_open)
            self.scanner.start()
        self.camera = None
        if "camera" in workstation.devices:  # the PC's camera (高拍仪/webcam) reads the QR code too, on its thread
            from drivers import factory
            from drivers.qt.devices import CameraScannerAdapter
            self.camera = CameraScannerAdapter(factory.camera_scanner(workstation.devices["camera"]), self)
            self.camera.sig_scanned.connect(self.scanned)
            self.camera.start()
            intro.setText(intro.text() + self.tr("本机的摄像头（高拍仪）也能读取登记二维码：把二维码对准摄像头即可。"))
        if wedge:  # a USB scanner in keyboard mode needs no config: a fast burst of keys ending in Enter
            from drivers.qt.wedge import WedgeScanFilter
            self.wedge = WedgeScanFilter(self)
            self.wedge.sig_scanned.connect(self.scanned)
            QApplication.instance().installEventFilter(self.wedge)
        self.finished.connect(self.stop_scanning)

    def scanned(self, payload: str) -> None:
        """A code from a scanner: anything but a registration code is named and ignored."""
        if not is_registration(payload):
            self._say(self.tr("这不是设备登记二维码，请扫描管理员生成的登记二维码。"), error=True)
            return
        self.code_edit.setPlainText(payload.strip())
        self._redeem(payload)

    def submit_pasted(self) -> None:
        text = self.code_edit.toPlainText().strip()
        if not text:
            self._say(self.tr("请扫描登记二维码，或粘贴登记码文字。"), error=True)
            return
        self._redeem(text)

    def _redeem(self, payload: str) -> None:
        if self.busy:  # one code at a time: a second scan while the first is at the server is not sent
            self._say(self.tr("正在登记，请稍候……"))
            return
        self.busy = True
        self.register_button.setEnabled(False)
        self.skip_button.setEnabled(False)
        self._say(self.tr("正在向服务器登记……"))
        data_dir, server = self.workstation.data_dir, self.server_url
        self.ops.run(lambda: self._register(data_dir, payload, server), on_done=self._done,
                     on_error=self._failed)

    def _done(self, workstation: Workstation) -> None:
        self.busy = False
        self.workstation = workstation
        self._say(self.tr("已登记，配置已写入 {0}。").format(workstation.data_dir / "workstation.toml"))
        self.sig_enrolled.emit(workstation)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.register_button.setEnabled(True)
        self.skip_button.setEnabled(True)
        if isinstance(error, EnrolFailed):
            text = error_text(error.code, error.message)
        else:  # the file could not be written, or the answer was not a config: say so, keep the code
            text = self.tr("登记失败：{0}").format(error)
        self._say(text, error=True)

    def _skip(self) -> None:
        self.sig_skipped.emit()
        self.accept()

    def _scanner_open(self) -> None:
        if not self.busy and self.message.text().startswith(self.tr("正在连接扫码枪")):
            self._say(self.tr("等待扫码……"))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #555;")
        self.message.setText(text)
        self._fit()

    def _fit(self) -> None:
        """Tall enough for every wrapped text at the present width (a long refusal, large type)."""
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt name)
        super().showEvent(event)
        self._fit()

    def stop_scanning(self) -> None:
        if self.wedge is not None:
            QApplication.instance().removeEventFilter(self.wedge)
            self.wedge = None
        if self.scanner is not None:
            self.scanner.stop()
            self.scanner = None
        if self.camera is not None:
            self.camera.stop()
            self.camera = None
