"""Device faults for staff: a red banner in the main window that names each new fault at once (with a system
tray pop-up where the desktop has a tray), and the supervisor's device table. Both re-read the cache after
every pull that brought changes (the sync thread's notice is carried onto the GUI thread by a signal)."""

from __future__ import annotations

from gui.ops import Ops, on_gui_thread
from gui.qt import (QAbstractItemView, QHeaderView, QLabel, QObject, QSystemTrayIcon, QTableWidget,
                    QTableWidgetItem, Qt, QTimer, QVBoxLayout, QWidget, Signal)
from client.services.device_health import Fault, open_faults

KIND_NAMES = {"dispenser": "取号机", "display": "集中显示屏", "evaluator": "评价器", "workstation": "窗口工作站",
              "controller": "大厅控制器"}
FAULT_TEXTS = {"printer_paper_out": "打印机缺纸", "printer_cover_open": "打印机盖未合上", "printer_offline": "打印机离线",
               "printer_error": "打印机故障", "printer_print_incomplete": "号票未打印完整", "no_printer": "未连接打印机",
               "idcard_unplugged": "身份证阅读器已拔出", "scanner_gone": "扫码器已断开", "keypad_gone": "叫号器已断开",
               "led_unreachable": "LED屏无法连接", "led_refused": "LED屏拒绝显示"}


# A device loop's generic codes name no device: the part does (shared/protocol/device_health.py's parts).
PART_NAMES = {"printer": "打印机", "idcard": "身份证阅读器", "scanner": "扫码器", "keypad": "叫号器"}
GENERIC_TEXTS = {"device_unavailable": "未连接", "device_timeout": "无响应", "frame_error": "通信异常",
                 "checksum_error": "通信异常", "protocol_error": "通信异常", "device_internal_error": "故障"}


def what_failed(fault: Fault) -> str:
    if fault.code in FAULT_TEXTS:
        part = f"（{fault.part}）" if fault.part and fault.code.startswith("led_") else ""
        return FAULT_TEXTS[fault.code] + part
    return PART_NAMES.get(fault.part, fault.part) + GENERIC_TEXTS.get(fault.code, f"故障（{fault.code}）")


def fault_text(fault: Fault) -> str:
    return f"{fault.device_name or KIND_NAMES.get(fault.device_kind, fault.device_kind)}：{what_failed(fault)}"


class FaultWatch(QObject):
    """Reads the open faults after each pull (off the GUI thread) and emits them; `sig_new` carries the faults
    not seen before (the first read counts as seen only for faults the user was already told about)."""
    sig_faults = Signal(object)  # list[Fault]
    sig_new = Signal(object)     # list[Fault]

    def __init__(self, sync, ops: Ops, parent: QObject | None = None, poll_ms: int = 5000) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.sync, self.ops = sync, ops
        self.known: set[tuple[str, str, str]] = set()
        sync.on_pulled(on_gui_thread(self.refresh))
        self.timer = QTimer(self, interval=poll_ms, timeout=self.refresh)  # a missed notice
        self.timer.start()

    def refresh(self) -> None:
        self.ops.run(lambda: open_faults(self.sync), on_done=self._read, on_error=lambda exc: None)

    def _read(self, faults: list[Fault]) -> None:
        new = [f for f in faults if f.key not in self.known]
        self.known = {f.key for f in faults}
        try:
            self.sig_faults.emit(faults)
            if new:
                self.sig_new.emit(new)
        except RuntimeError:  # the window closed while the cache was read: nobody to tell
            pass


class FaultBanner(QLabel):
    """Hidden while every device is fine; red with the faults while any is open."""

    def __init__(self, watch: FaultWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device-alert")
        self.setStyleSheet("QLabel#device-alert { background: #c53030; color: white; padding: 6px 12px;"
                           " font-weight: bold; }")
        self.setWordWrap(True)
        self.hide()
        self.tray: QSystemTrayIcon | None = None
        watch.sig_faults.connect(self.show_faults)
        watch.sig_new.connect(self.pop_up)

    def show_faults(self, faults: list[Fault]) -> None:
        if not faults:
            self.hide()
            return
        self.setText(self.tr("设备故障：") + "；".join(fault_text(f) for f in faults))
        self.show()

    def pop_up(self, new: list[Fault]) -> None:
        """A tray message too, where the desktop has a tray (never offscreen or on a bare kiosk session)."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.window().windowIcon(), self)
            self.tray.show()
        self.tray.showMessage(self.tr("设备故障"), "\n".join(fault_text(f) for f in new),
                              QSystemTrayIcon.MessageIcon.Warning, 10000)


class DeviceTable(QWidget):
    """The supervisor's 设备状态 tab: every open fault, which device, since when."""

    def __init__(self, watch: FaultWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("设备"), self.tr("类型"), self.tr("故障"), self.tr("发生时间")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self.tr("全部设备运行正常"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        watch.sig_faults.connect(self.show_faults)

    def show_faults(self, faults: list[Fault]) -> None:
        self.empty.setVisible(not faults)
        self.table.setRowCount(len(faults))
        for i, f in enumerate(faults):
            for col, value in enumerate((f.device_name, KIND_NAMES.get(f.device_kind, f.device_kind), what_failed(f),
                                         f.since[:19].replace("T", " "))):
                item = QTableWidgetItem(value)
                if col == 2:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(i, col, item)
