"""受理 at the counter: start from the called ticket or a walk-in, pick the item and situation, the applicant
(ID card or typed) and the materials, then accept / ask for corrections / refuse to accept. Each outcome
prints a receipt with the case number and a QR code; it all works offline (number from the lease)."""

from __future__ import annotations

import logging

from client.dialogs.correction import CorrectionDialog
from client.dialogs.notice_preview import NoticePreviewDialog
from client.dialogs.preview import PreviewDialog
from client.dialogs.reject_application import RejectApplicationDialog
from client.i18n.errors import error_text
from client.i18n.labels import WARNINGS, approval_error, notice_problem
from gui.ops import Ops
from gui.qt import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, Qt, QVBoxLayout,
                    QWidget, Signal)
from client.services.acceptance import AcceptanceService, Application, Outcome
from client.services.applicant import comparison_warnings
from client.services.capture import DocumentCamera
from client.services.material_files import MaterialFile
from client.services.material_samples import MaterialSamples
from client.services.catalogue import CatalogueChoice, CatalogueIndex, SituationChoice
from client.services.decision_notices import CaseNotice, CaseNotices
from client.services.notices import KINDS
from client.services.printing import ReceiptPrinter
from client.widgets.applicant_form import ApplicantForm
from client.widgets.item_picker import ItemPicker
from client.widgets.material_viewer import MaterialViewerDialog
from client.widgets.materials_checklist import MaterialsChecklist
from client.widgets.style import mark
from shared.errors import DomainError

SITUATION_ACTIONS = {"延续": "renew", "变更": "change"}


class AcceptancePanel(QWidget):
    sig_outcome = Signal(object)   # Outcome
    sig_printed = Signal(bool, str)  # printed?, detail

    sig_notice = Signal(object)    # NoticePreviewDialog
    sig_sample_opened = Signal(object)  # MaterialViewerDialog showing a material's sample file (样表)

    def __init__(self, acceptance: AcceptanceService, catalogue: CatalogueIndex, printer: ReceiptPrinter,
                 ops: Ops, parent=None, camera: DocumentCamera | None = None,  # noqa: ANN001
                 notices: CaseNotices | None = None, samples: MaterialSamples | None = None) -> None:
        super().__init__(parent)
        self.samples = samples  # the catalogue's sample files (样表) on this PC
        self.acceptance, self.printer, self.ops, self.camera = acceptance, printer, ops, camera
        self.notices = notices  # signs the written notice for printing and records its 送达
        self.outcome: Outcome | None = None
        self.choice: CatalogueChoice | None = None
        self.situation: SituationChoice | None = None
        self.ticket, self.ticket_id = "", None
        self.saved = False  # one application, one case: a new one starts with 新建收件 or the next ticket
        self.source = QLabel(self.tr("现场收件（未关联号票）"))
        self.source.setObjectName("title")
        new = QPushButton(self.tr("新建收件"))
        new.clicked.connect(lambda: self.start(""))
        top = QHBoxLayout()
        top.addWidget(self.source, 1)
        top.addWidget(new)

        self.picker = ItemPicker(catalogue)
        self.picker.situations.currentItemChanged.connect(self._situation_changed)
        self.chosen = QLabel(self.tr("请选择事项和办理情形"))
        self.chosen.setWordWrap(True)
        pick_box = QGroupBox(self.tr("① 事项与情形"))
        QVBoxLayout(pick_box).addWidget(self.picker)
        pick_box.layout().addWidget(self.chosen)
        # 新办 / 延续 / 变更: a renewal or change names the licence it is about (checked by the server at receipt)
        self.licence_action = QComboBox()
        for text, action in ((self.tr("新办"), ""), (self.tr("延续"), "renew"), (self.tr("变更"), "change")):
            self.licence_action.addItem(text, action)
        self.licence_no = QLineEdit()
        self.licence_no.setMaxLength(60)
        self.licence_no.setPlaceholderText(self.tr("原证照编号（延续、变更时填写）"))
        self.licence_action.currentIndexChanged.connect(self._update)
        self.licence_no.textChanged.connect(self._update)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel(self.tr("申请类型")))
        kind_row.addWidget(self.licence_action)
        kind_row.addWidget(self.licence_no, 1)
        pick_box.layout().addLayout(kind_row)

        self.form = ApplicantForm(acceptance.cases.today())
        self.form.sig_changed.connect(self._update)
        who_box = QGroupBox(self.tr("② 申请人"))
        QVBoxLayout(who_box).addWidget(self.form)
        self.warnings = QLabel("")
        self.warnings.setObjectName("warning")
        self.warnings.setWordWrap(True)
        who_box.layout().addWidget(self.warnings)

        self.checklist = MaterialsChecklist()
        self.checklist.sig_changed.connect(self._update)
        self.checklist.sig_preview.connect(lambda m, paths: PreviewDialog(m, paths, self).open())
        self.checklist.can_capture = camera is not None
        self.checklist.sig_capture.connect(self.capture)
        if samples is not None:
            self.checklist.has_sample_file = samples.has
            self.checklist.sig_sample.connect(self.open_sample)
        materials_box = QGroupBox(self.tr("③ 材料核对"))
        QVBoxLayout(materials_box).addWidget(self.checklist)

        self.accept_button = mark(QPushButton(self.tr("受理")))
        self.correct_button = QPushButton(self.tr("补正告知"))
        self.reject_button = mark(QPushButton(self.tr("不予受理")), "danger")
        for b in (self.accept_button, self.correct_button, self.reject_button):
            b.setMinimumHeight(40)
        self.accept_button.clicked.connect(self.do_accept)
        self.correct_button.clicked.connect(self.do_correction)
        self.reject_button.clicked.connect(self.do_reject)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_button = QPushButton(self.tr("通知书…"))  # preview, print on the office printer, 送达
        self.notice_button.setMinimumHeight(40)
        self.notice_button.setEnabled(False)
        self.notice_button.clicked.connect(self.show_notice)
        actions = QHBoxLayout()
        actions.addWidget(self.result, 1)
        actions.addWidget(self.notice_button)
        for b in (self.reject_button, self.correct_button, self.accept_button):
            actions.addWidget(b)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(who_box)
        right_layout.addWidget(materials_box, 1)
        split = QSplitter()
        split.addWidget(pick_box)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self._update()

    # -- inputs ------------------------------------------------------------------------------------------
    def start(self, ticket: str, ticket_id: str | None = None) -> None:
        """A new application, from the called ticket (its number and id) or a walk-in ('')."""
        self.ticket, self.ticket_id = ticket, ticket_id
        self.saved = False
        self.source.setText(self.tr("号票 {0} 收件").format(ticket) if ticket else self.tr("现场收件（未关联号票）"))
        self.form.clear()
        self.licence_action.setCurrentIndex(0)
        self.licence_no.clear()
        self.checklist.load(self.situation)
        self.result.setText("")
        self._update()

    def capture(self, material: str) -> None:
        """拍照: a still from the document camera, taken off the GUI thread, attached to `material`."""
        if self.camera is None:
            return
        camera, checklist = self.camera, self.checklist
        self.result.setText(self.tr("正在拍照：{0}…").format(material))
        self.ops.run(lambda: camera.capture(material),
                     on_done=lambda path: (checklist.add_files(material, [str(path)]),
                                           self.result.setStyleSheet(""),
                                           self.result.setText(self.tr("已拍照：{0}").format(material))),
                     on_error=self._capture_failed)

    def open_sample(self, material: str) -> None:
        """样表: the material's sample file, read from this PC's cache off the GUI thread, in the material viewer
        (works offline once the sample was fetched after a sync)."""
        if self.samples is None or self.situation is None:
            return
        samples, code = self.samples, self.situation.code
        self.ops.run(lambda: samples.open(code, material), on_done=self._show_sample,
                     on_error=self._sample_failed)

    def _show_sample(self, file: MaterialFile) -> None:
        dialog = MaterialViewerDialog(self.ops, [file], self.tr("样表 · {0}").format(file.material), 0, self.window())
        dialog.show()
        self.sig_sample_opened.emit(dialog)

    def _sample_failed(self, error: Exception) -> None:
        self.result.setText(error_text(getattr(error, "code", ""), self.tr("无法打开样表")))
        self.result.setStyleSheet("color: #c62828;")

    def _capture_failed(self, error: Exception) -> None:
        self.result.setText(self.tr("拍照失败：无法从摄像头（高拍仪）取得图像，请检查连接后重试，或用“添加…”选择文件"))
        self.result.setStyleSheet("color: #c62828;")

    def on_card(self, read) -> None:  # noqa: ANN001 - drivers.idcard.reader.IdCardRead
        self.form.fill_from_card(read)

    def _situation_changed(self, current) -> None:  # noqa: ANN001
        self.choice = self.picker.results.currentItem().data(Qt.ItemDataRole.UserRole) if current else None
        self.situation = current.data(Qt.ItemDataRole.UserRole) if current else None
        if self.choice and self.situation:
            self.chosen.setText(self.tr("已选：{0} / {1}").format(self.choice.label, self.situation.name))
            named = SITUATION_ACTIONS.get(self.situation.name)  # a 延续/变更 situation preselects its type
            if named is not None and self.choice.category == "administrative_licence":
                self.licence_action.setCurrentIndex(self.licence_action.findData(named))
        self.checklist.load(self.situation)

    def application(self) -> Application | None:
        applicant = self.form.applicant()
        if not (self.choice and self.situation and applicant):
            return None
        action = self.licence_action.currentData() if self.choice.category == "administrative_licence" else ""
        return Application(self.choice, self.situation.code, applicant, self.checklist.received(),
                           self.checklist.attachments(), self.ticket, self.ticket_id, action or "",
                           self.licence_no.text().strip() if action else "")

    def _update(self) -> None:
        app = self.application()
        applicant = self.form.applicant()
        warnings = comparison_warnings(applicant, self.acceptance.cases.today()) if applicant else []
        self.warnings.setText("\n".join("⚠ " + self.tr(WARNINGS.get(w, w)) for w in warnings))
        open_ = app is not None and not self.saved
        unnamed = app is not None and bool(app.licence_action) and not app.licence_no
        self.accept_button.setEnabled(open_ and not app.missing and not unnamed)
        self.correct_button.setEnabled(open_)
        self.reject_button.setEnabled(open_)
        licensing = self.choice is not None and self.choice.category == "administrative_licence"
        self.licence_action.setEnabled(licensing)
        self.licence_no.setEnabled(licensing and bool(self.licence_action.currentData()))
        if app and app.missing:
            self.accept_button.setToolTip(self.tr("缺少必交材料：") + "、".join(app.missing))
        elif unnamed:
            self.accept_button.setToolTip(self.tr("延续、变更须填写原证照编号"))

    # -- outcomes ----------------------------------------------------------------------------------------
    def do_accept(self) -> None:
        app = self.application()
        if app:
            self._run(lambda: self.acceptance.accept(app), app)

    def do_correction(self, problems: dict[str, str] | None = None) -> CorrectionDialog | None:
        app = self.application()
        if not app:
            return None
        if problems:
            self._run(lambda: self.acceptance.request_correction(app, problems), app)
            return None
        dialog = CorrectionDialog([m for m, _ in app.situation.materials], app.missing, self)
        dialog.accepted.connect(
            lambda: self._run(lambda: self.acceptance.request_correction(app, dialog.problems()), app))
        dialog.open()
        return dialog

    def do_reject(self, values: tuple[str, str] | None = None) -> RejectApplicationDialog | None:
        app = self.application()
        if not app:
            return None
        if values:
            self._run(lambda: self.acceptance.reject(app, *values), app)
            return None
        dialog = RejectApplicationDialog(self)
        dialog.accepted.connect(lambda: self._run(lambda: self.acceptance.reject(app, *dialog.values()), app))
        dialog.open()
        return dialog

    def _run(self, fn, app: Application) -> None:  # noqa: ANN001
        for b in (self.accept_button, self.correct_button, self.reject_button):
            b.setEnabled(False)
        self.result.setText(self.tr("正在保存…"))
        self.ops.write(fn, on_done=lambda outcome: self._saved(outcome, app), on_error=self._failed)

    def _saved(self, outcome: Outcome, app: Application) -> None:
        self.saved = True
        self.outcome = outcome
        self.notice_button.setEnabled(outcome.notice is not None and self.notices is not None)
        self.form.show_saved(app.applicant)
        kind = {"accepted": "已受理", "correction": "已出具补正告知", "rejected": "已出具不予受理决定"}[outcome.receipt.kind]
        text = self.tr("{0}，办件编号 {1}").format(self.tr(kind), outcome.case_no)
        if outcome.offline_number:
            text += self.tr("（离线编号）")
        if outcome.notice is not None:
            text += self.tr("；通知书已生成：{0}").format(outcome.notice.name)
        elif outcome.notice_error:
            text += "。" + notice_problem(outcome.receipt.kind, outcome.notice_error, outcome.notice_missing)
        self.result.setText(text)
        self.result.setStyleSheet("color: #b26a00;" if outcome.notice_error else "color: #2e7d32;")
        self.sig_outcome.emit(outcome)
        self.ops.run(lambda: self.printer.print(outcome.receipt), on_done=self._printed,
                     on_error=self._print_failed)

    # -- the written notice (受理通知书 / 补正材料通知书 / 不予受理决定书) -------------------------------------------
    def show_notice(self) -> None:
        outcome, notices = self.outcome, self.notices
        if outcome is None or outcome.notice is None or notices is None:
            return
        kind = KINDS[outcome.receipt.kind]
        path = outcome.notice
        self.ops.run(lambda: notices.from_file(outcome.case_id, outcome.case_no, kind, path.read_bytes()),
                     on_done=self._notice_ready, on_error=self._failed)

    def _notice_ready(self, notice: CaseNotice) -> NoticePreviewDialog:
        notices = self.notices
        dialog = NoticePreviewDialog(notice, self.ops, save_to=self.outcome.notice.parent if self.outcome else None,
                                     serve=lambda v: notices.serve(notice, notices.serving_role(notice.case_id), **v),
                                     recipient=self.form.applicant().name if self.form.applicant() else "",
                                     today=self.acceptance.cases.today, parent=self)
        dialog.open()
        self.sig_notice.emit(dialog)
        return dialog

    def _printed(self, size: int) -> None:
        self.result.setText(self.result.text() + self.tr("；回执已打印"))
        self.sig_printed.emit(True, str(size))

    def _print_failed(self, error: Exception) -> None:
        code = getattr(error, "code", type(error).__name__)
        self.result.setText(self.result.text() + self.tr("；回执未打印（{0}）").format(code))
        self.sig_printed.emit(False, code)

    def _failed(self, error: Exception) -> None:
        code = error.code if isinstance(error, DomainError) else type(error).__name__
        logging.getLogger("govhall.client").warning("saving the case failed: %r", error, exc_info=error)
        self.result.setText(self.tr("未能保存：{0}").format(approval_error(code)))
        self.result.setStyleSheet("color: #c62828;")
        self.saved = False
        self._update()
