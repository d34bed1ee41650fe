"""The applicant: a person (read from the ID card, or typed and validated as it is typed) or an organisation
by its USCC. Once saved the identifier is shown masked."""

from __future__ import annotations

import datetime as dt

from gui.qt import QButtonGroup, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QWidget, Signal
from client.services.applicant import ORGANISATION, PERSON, Applicant, check_identifier, identifier_problem
from shared.queue import messages as queue_messages

PROBLEMS = {**queue_messages.MESSAGES, "wrong_length": "应为18位", "bad_check_character": "校验位错误",
            "bad_character": "含有无效字符"}


class ApplicantForm(QWidget):
    sig_changed = Signal()

    def __init__(self, today: dt.date, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.today = today
        self.card = None  # the IdCardRead the data came from
        self.person = QRadioButton(self.tr("个人"))
        self.organisation = QRadioButton(self.tr("单位"))
        self.person.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.person)
        kinds.addButton(self.organisation)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.person)
        kind_row.addWidget(self.organisation)
        kind_row.addStretch(1)
        self.source = QLabel(self.tr("请刷身份证，或手工录入"))
        self.source.setObjectName("muted")
        kind_row.addWidget(self.source)
        self.name = QLineEdit()
        self.identifier = QLineEdit()
        self.identifier.setMaxLength(18)
        self.problem = QLabel("")
        self.problem.setObjectName("error")
        self.phone = QLineEdit()
        form = QFormLayout(self)
        form.addRow(kind_row)
        self.name_label = QLabel(self.tr("姓名"))
        self.id_label = QLabel(self.tr("身份证号码"))
        form.addRow(self.name_label, self.name)
        form.addRow(self.id_label, self.identifier)
        form.addRow("", self.problem)
        form.addRow(self.tr("联系电话"), self.phone)
        self.identifier.textChanged.connect(self._validate)
        self.name.textChanged.connect(self.sig_changed)
        self.person.toggled.connect(self._kind_changed)

    @property
    def kind(self) -> str:
        return PERSON if self.person.isChecked() else ORGANISATION

    def _kind_changed(self) -> None:
        person = self.kind == PERSON
        self.name_label.setText(self.tr("姓名") if person else self.tr("单位名称"))
        self.id_label.setText(self.tr("身份证号码") if person else self.tr("统一社会信用代码"))
        self.card = None
        self._validate(self.identifier.text())

    def _validate(self, text: str) -> None:
        if self.card is not None and text != self.card.record.id_number:
            self.card = None
            self.source.setText(self.tr("手工录入"))
        code = identifier_problem(self.kind, text, self.today) if text else None
        self.problem.setText(self.tr(PROBLEMS.get(code, "号码不正确")) if code else "")
        self.identifier.setStyleSheet("border: 1px solid #c62828;" if code else "")
        self.sig_changed.emit()

    def fill_from_card(self, read) -> None:  # noqa: ANN001
        """An ID card was read (drivers.idcard.reader.IdCardRead)."""
        self.person.setChecked(True)
        self.card = read
        self.name.setText(read.record.name)
        self.identifier.setText(read.record.id_number)
        self.card = read
        self.source.setText(self.tr("已读取身份证 ✓"))
        self.source.setObjectName("ok")
        self.source.setStyleSheet("color: #2e7d32;")

    def applicant(self) -> Applicant | None:
        """The applicant if complete and valid, else None."""
        if not self.name.text().strip() or identifier_problem(self.kind, self.identifier.text(), self.today):
            return None
        identifier = check_identifier(self.kind, self.identifier.text(), self.today)
        return Applicant(self.kind, self.name.text().strip(), identifier, self.phone.text().strip(),
                         from_card=self.card is not None,
                         card_valid_to=getattr(self.card.record, "valid_to", None) if self.card else None)

    def show_saved(self, applicant: Applicant) -> None:
        """After the case is saved only the masked identifier stays on screen."""
        self.identifier.blockSignals(True)
        self.identifier.setText(applicant.masked_identifier)
        self.identifier.blockSignals(False)
        self.identifier.setReadOnly(True)
        self.name.setReadOnly(True)

    def clear(self) -> None:
        for w in (self.name, self.identifier, self.phone):
            w.setReadOnly(False)
            w.clear()
        self.card = None
        self.source.setText(self.tr("请刷身份证，或手工录入"))
        self.source.setStyleSheet("")
