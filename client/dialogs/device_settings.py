"""设备设置: the workstation's devices as configured, and the keypad's learning mode for a keypad whose
protocol no shipped description covers."""

from __future__ import annotations

from client.dialogs.keypad_learning import KeypadLearningDialog
from drivers.factory import keypad_protocol
from gui.qt import QDialog, QFormLayout, QLabel, QPushButton, QVBoxLayout


class DeviceSettingsDialog(QDialog):
    def __init__(self, devices, workstation, parent=None) -> None:  # noqa: ANN001  Devices, Workstation
        super().__init__(parent)
        self.devices, self.workstation = devices, workstation
        self.setWindowTitle(self.tr("设备设置"))
        settings = devices.settings
        form = QFormLayout()
        for name, label in (("idcard", "身份证阅读器"), ("keypad", "叫号器"), ("printer", "打印机")):
            s = settings.get(name)
            form.addRow(self.tr(label), QLabel(_where(s) if s else self.tr("未配置")))
        self.protocol = QLabel(self._protocol_text())
        form.addRow(self.tr("叫号器协议"), self.protocol)
        self.learn = QPushButton(self.tr("学习叫号器按键…"))
        self.learn.setEnabled(devices.keypad is not None)
        self.learn.clicked.connect(self.open_learning)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.learn)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.learning: KeypadLearningDialog | None = None
        if devices.keypad is not None:
            devices.keypad.sig_protocol.connect(lambda name: self.protocol.setText(name))

    def _protocol_text(self) -> str:
        keypad = self.devices.keypad
        if keypad is None:
            return self.tr("未配置")
        return keypad.receiver.codec.name or keypad_protocol(self.devices.settings["keypad"])

    def open_learning(self) -> KeypadLearningDialog:
        self.learning = KeypadLearningDialog(self.devices.keypad, self.workstation.data_dir, self)
        self.learning.sig_saved.connect(self._saved)
        self.learning.show()
        return self.learning

    def _saved(self, path: str) -> None:
        self.message.setText(self.tr("已保存到 {0}，本机叫号器已按它工作。在 workstation.toml 的 [keypad] 中写 "
                                     "protocol = \"learned\"，重启后仍使用它。").format(path))


def _where(settings) -> str:  # noqa: ANN001  DeviceSettings
    """Where the device is reached: its port (path or URL), or host:port for network devices."""
    host = settings.get("host")
    if host:
        return f"{host}:{settings.get('tcp_port') or settings.port}"
    return settings.port
