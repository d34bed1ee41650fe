"""The clerk's workspace: the calling panel beside acceptance. Starting service on a called ticket opens a new
application for it; ID card reads fill the applicant; the keypad drives the calling panel."""

from __future__ import annotations

from client.devices import Devices
from client.dialogs.transfer import TransferDialog
from gui.ops import Ops
from gui.qt import QHBoxLayout, QLabel, QScrollArea, QSplitter, QTabWidget, QWidget
from client.services.context import Services
from client.services.printing import ReceiptPrinter
from client.workspaces.approver.workspace import ApproverWorkspace
from client.workspaces.clerk.acceptance_panel import AcceptancePanel
from client.workspaces.rectification.panel import panel_for
from client.workspaces.clerk.calling_panel import CallingPanel
from client.workspaces.clerk.keypad_bridge import KeypadBridge


class ClerkWorkspace(QWidget):
    def __init__(self, services: Services, ops: Ops, devices: Devices, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.ops = services, ops
        camera = devices.document_camera(services.workstation.data_dir / "captures")
        self.acceptance = AcceptancePanel(services.acceptance, services.catalogue, ReceiptPrinter(devices.printer),
                                          ops, camera=camera, notices=services.notices, samples=services.samples)
        split = QSplitter()
        self.calling: CallingPanel | None = None
        self.keypad: KeypadBridge | None = None
        if services.desk is not None:
            self.calling = CallingPanel(services.desk, services.reference, ops)
            self.calling.sig_done.connect(self._desk_done)
            self.calling.sig_transfer_requested.connect(self.ask_transfer)
            scroll = QScrollArea()  # small screens (1366×768) scroll the panel rather than squeeze its buttons
            scroll.setWidget(self.calling)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setMinimumWidth(370)
            scroll.setMaximumWidth(460)
            split.addWidget(scroll)
            if devices.keypad is not None:
                self.keypad = KeypadBridge(devices.keypad, self.calling, self)
        else:
            note = QLabel(self.tr("本工作站未配置窗口，叫号功能不可用（workstation.toml 中设置 window）"))
            note.setWordWrap(True)
            note.setMaximumWidth(300)
            split.addWidget(note)
        # The clerk's own steps (补正材料, 办结, 送达) come through the same worklists as the approvers'.
        self.cases = ApproverWorkspace(services, ops, materials=services.attachments)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.acceptance, self.tr("收件受理"))
        self.tabs.addTab(self.cases, self.tr("办件（待办 / 已办）"))
        self.rectification = panel_for(services, ops)
        self.tabs.addTab(self.rectification, self.tr("差评整改"))
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(split)
        if devices.idcard is not None:
            devices.idcard.sig_card_read.connect(self.acceptance.on_card)

    def _desk_done(self, action: str, result: object) -> None:
        if action == "start":
            self.tabs.setCurrentWidget(self.acceptance)
            self.acceptance.start(getattr(result, "number", ""), getattr(result, "id", None))

    def ask_transfer(self) -> TransferDialog:
        dialog = TransferDialog(self.services.reference, self.services.desk.window, self)
        dialog.accepted.connect(lambda: self.calling.perform("transfer", dialog.target()))
        dialog.open()
        return dialog
