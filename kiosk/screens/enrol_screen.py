"""扫码登记 on the kiosk's own screen (`python -m kiosk --mode M --config FILE --enrol`): a kiosk has nobody at a
terminal, so its first start shows, full screen, what to do — scan the registration QR code the admin makes on
设备管理 — once its reader is open (正在连接… until the reader's first poll: a serial port empties its input
when opened, so a code scanned earlier would be lost) — and reads it from the kiosk's line scanner ([scanner]) and, when it has one, its camera ([camera]:
OpenCV capture + pyzbar, drivers/scanner/camera.py). Each scanned code is redeemed at the server it names and
the config written (kiosk/enrol.py over shared/enrolment.py) on a worker, never on the GUI thread; the screen
shows the progress and, when a code is refused, a message of its own for each reason (expired, already used,
made for another kind of device, server unreachable, not a registration code), then waits for the next scan.
`sig_enrolled` fires once the file holds the kiosk's credentials: the caller starts the kiosk in its mode.

Every line the screen shows is also printed (standard output: the installer's log)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from drivers import factory
from drivers.config import load_config
from drivers.qt.devices import CameraScannerAdapter, LineScannerAdapter
from gui.ops import Ops
from gui.qt import QCoreApplication, QLabel, Qt, QVBoxLayout, QWidget, Signal
from kiosk.enrol import EnrolFailed, merged, redeem
from shared.enrolment import write_private
from shared.protocol.registration import RegistrationQrInvalid, is_registration, parse




def mode_name(kind: str) -> str:
    names = {"dispenser": QCoreApplication.translate("EnrolScreen", "取号机"),
             "evaluator": QCoreApplication.translate("EnrolScreen", "评价器"),
             "display": QCoreApplication.translate("EnrolScreen", "集中显示屏"),
             "controller": QCoreApplication.translate("EnrolScreen", "大厅控制器"),
             "workstation": QCoreApplication.translate("EnrolScreen", "窗口工作站")}
    return names.get(kind, kind)


def refusal_text(code: str, mode: str, scanned_kind: str | None = None) -> str:
    """What the kiosk says when a scanned code does not register it: one message per reason."""
    if code == "registration_kind_mismatch":
        return QCoreApplication.translate(
            "EnrolScreen", "这个登记码是为“{0}”生成的，本机是“{1}”。请管理员在设备管理页选择“{1}”重新生成登记二维码。").format(
            mode_name(scanned_kind or ""), mode_name(mode))
    texts = {
        "registration_code_expired": QCoreApplication.translate(
            "EnrolScreen", "登记码已过期（生成后30分钟内有效）。请管理员在设备管理页重新生成后再扫描。"),
        "registration_code_used": QCoreApplication.translate(
            "EnrolScreen", "这个登记码已经使用过，不能再次登记。请管理员重新生成登记二维码。"),
        "registration_code_unknown": QCoreApplication.translate(
            "EnrolScreen", "服务器不认识这个登记码。请管理员重新生成登记二维码。"),
        "enrol_server_unreachable": QCoreApplication.translate(
            "EnrolScreen", "无法连接登记码所指的服务器。请检查本机网络后重新扫描。"),
        "registration_qr_invalid": QCoreApplication.translate(
            "EnrolScreen", "这不是可用的设备登记二维码。请扫描设备管理页上的登记二维码。"),
        "not_registration": QCoreApplication.translate(
            "EnrolScreen", "这不是设备登记二维码。请扫描设备管理页上的登记二维码。"),
        "enrol_write_failed": QCoreApplication.translate(
            "EnrolScreen", "无法写入本机配置文件，请联系管理员检查磁盘和权限。"),
    }
    return texts.get(code, QCoreApplication.translate("EnrolScreen", "登记失败（{0}），请重新扫描或联系管理员。").format(code))


def readers(path: Path, parent: QWidget) -> list:
    """The kiosk's code readers from its config: the line scanner and the camera, whichever it has."""
    settings = load_config(path) if path.exists() else {}
    found = []
    if "scanner" in settings:
        found.append(LineScannerAdapter(factory.line_scanner(settings["scanner"]), parent))
    if "camera" in settings:
        found.append(CameraScannerAdapter(factory.camera_scanner(settings["camera"]), parent))
    return found


class EnrolScreen(QWidget):
    sig_enrolled = Signal(str)   # the config file now holding the credentials
    sig_status = Signal(str, str)  # state (connecting / waiting / busy / refused / done), the text shown

    def __init__(self, path: Path, mode: str, ops: Ops, parent: QWidget | None = None, *,
                 redeem_code: Callable[[str, str], str] = redeem,
                 say: Callable[[str], None] = lambda text: print(text, flush=True)) -> None:
        super().__init__(parent)
        self.path, self.mode, self.ops, self._redeem, self._say = Path(path), mode, ops, redeem_code, say
        self.busy = False
        self.done = False
        self.setObjectName("enrolScreen")
        self.setStyleSheet("#enrolScreen { background: #0b3573; } QLabel { color: #ffffff; }")
        title = QLabel(self.tr("设备登记"))
        title.setStyleSheet("font-size: 56px; font-weight: bold;")
        what = QLabel(self.tr("本机：{0}（尚未登记）").format(mode_name(mode)))
        what.setStyleSheet("font-size: 30px; color: #cfe0ff;")
        self.instruction = QLabel("")  # 请扫描… once a reader is open (start()), 正在连接… until then
        self.instruction.setStyleSheet("font-size: 44px; font-weight: bold;")
        self.instruction.setWordWrap(True)
        self.how = QLabel("")
        self.how.setStyleSheet("font-size: 26px; color: #cfe0ff;")
        self.how.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("enrolStatus")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(160)
        hint = QLabel(self.tr("管理员：系统管理 → 设备管理 → 选择设备类型“{0}” → 生成扫码登记二维码。"
                         "登记码只能使用一次，30分钟内有效。").format(mode_name(mode)))
        hint.setStyleSheet("font-size: 22px; color: #9fb8e0;")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 80, 80, 80)
        layout.setSpacing(28)
        layout.addStretch(1)  # the text sits in the upper middle of a portrait or a landscape screen
        for label in (title, what, self.instruction, self.how, self.status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(2)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.readers = readers(self.path, self)
        self.open_readers: set[int] = set()  # the readers whose device is open and being read
        self.state, self._reason = "", ""
        kinds = []
        for reader in self.readers:
            reader.sig_scanned.connect(self.scanned)
            reader.sig_ready.connect(lambda r=reader: self._reader_open(r))
            reader.sig_recovered.connect(lambda r=reader: self._reader_open(r))
            reader.sig_error.connect(lambda _code, message, r=reader: self._reader_failed(r, message))
            kinds.append(self.tr("摄像头") if isinstance(reader, CameraScannerAdapter) else self.tr("扫码器"))
        self.kinds = self.tr("或").join(kinds)
        self.names = "/".join("camera" if isinstance(r, CameraScannerAdapter) else "scanner" for r in self.readers)
        if kinds:
            self.how.setText(self.tr("把二维码对准本机的{0}").format(self.kinds))
            self._connecting("")
        else:
            self.how.setText(self.tr("本机配置中没有扫码器或摄像头（[scanner] 或 [camera]），无法扫码登记"))
            self._show("refused", self.tr("请联系管理员在配置文件中加入扫码器或摄像头"),
                       f"kiosk: no scanner or camera in the config ({mode})")

    def start(self) -> None:
        for reader in self.readers:
            reader.start()

    def stop(self) -> None:
        for reader in self.readers:
            reader.stop()

    # -- the readers' state: 请扫描 only once one of them is open (a code scanned before is lost) -------------
    def _connecting(self, reason: str) -> None:
        self._reason = reason
        self.instruction.setText(self.tr("正在连接{0}……").format(self.kinds))
        text = self.tr("{0}未连接或暂不可用，正在重试……").format(self.kinds) if reason else \
            self.tr("请稍候，连接好后即可扫码")
        self._show("connecting", text, f"kiosk: 正在连接{self.kinds} (opening the {self.names}){' ' + reason if reason else ''}")

    def _reader_open(self, reader) -> None:  # noqa: ANN001
        first = not self.open_readers
        self.open_readers.add(id(reader))
        if not first or self.done:
            return
        self.instruction.setText(self.tr("请扫描设备管理页上的登记二维码"))
        if self.state == "connecting":  # a refusal or a registration under way keeps its text
            self._show("waiting", self.tr("等待扫码……"),
                       f"kiosk: 请扫描管理员的设备登记二维码 (waiting for the registration QR code on the "
                       f"{self.names}, {self.mode})")

    def _reader_failed(self, reader, message: str) -> None:  # noqa: ANN001
        self.open_readers.discard(id(reader))
        if not self.open_readers and not self.done and not self.busy and (self.state, self._reason) != (
                "connecting", message):  # a reader retrying every second is told once
            self._connecting(message)

    def scanned(self, payload: str) -> None:
        if self.done:
            return
        if not is_registration(payload):
            self._refused("not_registration", "not a registration code")
            return
        if self.busy:  # one code at a time: a second scan while the first is at the server waits
            return
        self.busy = True
        try:
            kind = parse(payload).kind
        except RegistrationQrInvalid:
            kind = None
        self._show("busy", self.tr("已读到登记码，正在向服务器登记……"),
                   "kiosk: 正在登记 (redeeming the code)")
        path, mode, redeem_code = self.path, self.mode, self._redeem

        def run() -> str:
            text = redeem_code(payload, mode)
            try:
                write_private(path, merged(path, text))
            except OSError as exc:
                raise EnrolFailed("enrol_write_failed", str(exc)) from None
            return str(path)
        self.ops.run(run, on_done=self._enrolled, on_error=lambda error: self._failed(error, kind))

    def _enrolled(self, path: str) -> None:
        self.busy, self.done = False, True
        self._show("done", self.tr("登记成功，正在启动……"),
                   f"kiosk: 已登记，配置已写入 {path} (registered)")
        self.stop()
        self.sig_enrolled.emit(path)

    def _failed(self, error: Exception, kind: str | None) -> None:
        self.busy = False
        if isinstance(error, EnrolFailed):
            self._refused(error.code, error.message, kind)
        else:
            self._refused("enrol_failed", str(error))

    def _refused(self, code: str, message: str, kind: str | None = None) -> None:
        text = refusal_text(code, self.mode, kind) + "\n" + self.tr("可重新扫描。")
        log = ("kiosk: 这不是设备登记二维码 (not a registration code)" if code == "not_registration"
               else f"kiosk: 登记失败 [{code}] {message}")
        self._show("refused", text, log)

    def _show(self, state: str, text: str, log: str) -> None:
        self.state = state
        colour = {"refused": "#ffd54f", "done": "#a5d6a7"}.get(state, "#ffffff")
        self.status.setStyleSheet(f"font-size: 34px; color: {colour};")
        self.status.setText(text)
        self._say(log)
        self.sig_status.emit(state, text)
