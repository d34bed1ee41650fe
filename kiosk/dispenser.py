"""The dispenser mode: runs the DispenserFlow's actions (rules and numbers through TicketDesk on the Ops
writer, printing through the printer's Qt adapter) and shows the matching screen. No rule is decided here."""

from __future__ import annotations

import logging

from gui.ops import Ops
from gui.qt import QCoreApplication
from drivers.printer.ticket import Ticket as PrintedTicket
from drivers.printer.ticket import TicketLabels
from kiosk import texts
from gui.device_health import HealthReporter
from kiosk.flow.dispenser import (Cancel, Decode, DispenserFlow, Issue, LookUp, LookUpToken, Print, Record, Report,
                                  Step)
from kiosk.identity.decoder import IdentityCodeDecoder, Unconfigured
from kiosk.screens.dispenser_home import DispenserHome
from kiosk.screens.dispenser_result import BusyScreen, MessageScreen, TicketScreen
from kiosk.screens.phone_keypad import PhoneKeypad
from kiosk.services.issuing import TicketDesk
from kiosk.widgets.shell import KioskShell
from kiosk.widgets.theme import ELDERLY, NORMAL, sheet
from shared.errors import DomainError
from shared.public_url import InvalidPublicUrl, public_base
from shared.queue.follow import follow_template
from shared.validation import mask_phone, mask_resident_id, mask_uscc


def follow_template_for(public_url: str, configured: str) -> str:
    """The follow QR's template: under the hall's public base URL once an admin set one (synced with the hall,
    checked again here), else the one provisioning wrote (the server's LAN address by default)."""
    try:
        base = public_base(public_url)
    except InvalidPublicUrl:
        logging.getLogger("govhall.kiosk").warning("the hall's public URL is not valid: the provisioned one is used")
        base = ""
    return follow_template(base) if base else configured


class DispenserWindow(KioskShell):
    def __init__(self, ops: Ops, desk: TicketDesk, *, printer=None, idcard=None, scanners=(),  # noqa: ANN001
                 pin: str = "",
                 follow_url: str = "", facts=lambda: [], on_change=lambda: None,  # noqa: ANN001
                 health: HealthReporter | None = None, decoder: IdentityCodeDecoder | None = None) -> None:
        title = QCoreApplication.translate("Kiosk", "自助取号")
        super().__init__(ops, desk.sync, hall=desk.directory.hall_name, title=title, pin=pin,
                         facts=facts, now=desk.now)
        self.desk, self.printer, self.follow_url, self.on_change = desk, printer, follow_url, on_change
        self.decoder = decoder or Unconfigured()  # 粤省事码 / 粤商码: the provincial gateway, off the GUI thread
        self.health = health or HealthReporter(desk.sync, ops, desk.now)  # the printer's faults, as facts
        self.flow = DispenserFlow()
        self.busy, self.ticket, self.message = BusyScreen(), TicketScreen(NORMAL), MessageScreen()
        self.phone_pad = PhoneKeypad(NORMAL)
        self.home: DispenserHome | None = None
        for w in (self.busy, self.ticket, self.message, self.phone_pad):
            self.stack.addWidget(w)
        self.phone_pad.sig_confirm.connect(lambda typed: self.run(self.flow.phone_entered(typed)))
        self.phone_pad.sig_back.connect(lambda: self.run(self.flow.back()))
        self._build_home()
        self.ticket.sig_done.connect(lambda: self.run(self.flow.back()))
        self.message.sig_home.connect(lambda: self.run(self.flow.back()))
        self.message.sig_retry.connect(lambda: self.run(self.flow.retry_print()))
        self.message.sig_keep.connect(lambda: self.run(self.flow.keep_number()))
        self.sig_idle.connect(lambda: self.run(self.flow.idle()))
        if printer is not None:
            printer.sig_printed.connect(lambda result: self.run(self.flow.print_done()))
            printer.sig_printed.connect(lambda result: self.health.recovered("printer"))  # refilled, printing
            printer.sig_failed.connect(lambda code, message: self.run(self.flow.print_failed(code)))
        if idcard is not None:
            idcard.sig_card_read.connect(lambda read: self.run(self.flow.card(read.record.id_number)))
        for scanner in scanners:
            scanner.sig_scanned.connect(lambda code: self.run(self.flow.scanned(code)))
        self.refresh()
        self.show_step()

    # screens ---------------------------------------------------------------------------------------------
    def fit_to(self, width: int, height: int) -> None:
        super().fit_to(width, height)
        on_home = self.stack.currentWidget() is self.home
        self._build_home()
        self.message.set_theme(self.theme_for(NORMAL))  # as before: the number at the normal size
        if on_home:
            self.show_step()

    def _build_home(self) -> None:
        theme = self.theme_for(ELDERLY if self.flow.elderly else NORMAL)
        self.setStyleSheet(sheet(theme))
        if self.home is not None:
            self.stack.removeWidget(self.home)
            self.home.deleteLater()
        self.home = DispenserHome(self.desk.directory, theme, phone=self.desk.takes_phones)
        self._built_for = self.desk.directory.version  # the published rows the tiles were drawn from
        self.home.sig_business.connect(lambda b: self.run(self.flow.tap(b)))
        self.home.sig_priority.connect(lambda b, reason: self.run(self.flow.tap(b, reason)))
        self.home.sig_phone.connect(lambda: self.run(self.flow.choose_phone()))
        self.home.sig_elderly.connect(self.toggle_elderly)
        self.home.sig_back.connect(lambda: self.run(self.flow.back()))
        self.ticket.set_theme(theme)
        self.phone_pad.set_theme(theme)
        self.stack.addWidget(self.home)
        if self._last_remaining:
            self.home.show_remaining(self._last_remaining)

    _last_remaining: dict = {}

    def toggle_elderly(self) -> None:
        self.flow.toggle_elderly()
        self._build_home()
        self.show_step()

    def show_step(self) -> None:
        step, flow = self.flow.step, self.flow
        if step in (Step.HOME, Step.PICK):
            if step is Step.PICK and flow.person_id:
                note = self.tr("您的预约已超过签到时间，将按现场取号办理") if flow.note == "late_appointment" else ""
                self.home.ask_for_person(self.tr("身份证 {id}").format(id=mask_resident_id(flow.person_id)), note)
            elif step is Step.PICK and flow.phone:
                self.home.ask_for_person(self.tr("手机 {phone}").format(phone=mask_phone(flow.phone)),
                                         self.tr("请点击要办理的业务，临近叫号时将短信提醒您"))
            elif step is Step.PICK and flow.business is not None:
                who = flow.business.name or mask_uscc(flow.business.uscc)
                self.home.ask_for_person(self.tr("企业 {name}").format(name=who), "")
            else:
                self.home.reset()
            self.stack.setCurrentWidget(self.home)
        elif step is Step.PHONE:
            if self.stack.currentWidget() is not self.phone_pad:
                self.phone_pad.reset()
            self.phone_pad.show_error(flow.phone_error)
            self.stack.setCurrentWidget(self.phone_pad)
        elif step is Step.BUSY:
            self.stack.setCurrentWidget(self.busy)
        elif step is Step.ISSUED:
            at = flow.prepared.ticket.issued_wall.strftime("%Y-%m-%d %H:%M")
            self.ticket.show_ticket(flow.prepared, flow.printed, at, self._follow(flow.prepared))
            self.stack.setCurrentWidget(self.ticket)
        elif step is Step.REFUSED:
            self.message.show_refusal(flow.refusal)
            self.stack.setCurrentWidget(self.message)
        elif step is Step.PRINT_FAILED:
            self.message.show_print_failure(flow.fault, flow.prepared.ticket.number)
            self.stack.setCurrentWidget(self.message)
        self.arm_idle(flow.timeout())

    def _follow(self, prepared) -> str:  # noqa: ANN001
        template = follow_template_for(self.desk.directory.public_url, self.follow_url)
        return template.format(ticket=prepared.ticket.id) if template else ""

    # actions ---------------------------------------------------------------------------------------------
    def run(self, actions: list) -> None:
        for action in actions:
            if isinstance(action, LookUp):
                self.ops.run(lambda a=action: self.desk.find_appointment(a.person_id),
                             on_done=self.alive(lambda found: self.run(self.flow.appointment(found))),
                             on_error=self.alive(self._refused))
            elif isinstance(action, LookUpToken):
                self.ops.run(lambda a=action: self.desk.find_by_token(a.token),
                             on_done=self.alive(lambda found: self.run(self.flow.token_matched(found))),
                             on_error=self.alive(self._refused))
            elif isinstance(action, Decode):
                self.ops.run(lambda a=action: self.decoder.decode(a.code),
                             on_done=self.alive(lambda identity: self.run(self.flow.decoded(identity))),
                             on_error=self.alive(self._refused))
            elif isinstance(action, Issue):
                self.ops.write(lambda a=action: self.desk.issue(a.business_id, a.channel, a.person_id,
                                                                a.check_in, person_key=a.person_key,
                                                                phone=a.phone, uscc=a.uscc,
                                                                green_reason=a.green_reason),
                    on_done=self.alive(lambda p: self.run(self.flow.prepared_ticket(p))),
                    on_error=self.alive(self._refused))
            elif isinstance(action, Print):
                self._print(action.prepared)
            elif isinstance(action, Record):
                self.ops.write(lambda a=action: self.desk.settle(a.prepared, a.outcome),
                               on_done=self.alive(self._changed))
            elif isinstance(action, Cancel):
                self.ops.write(lambda a=action: self.desk.cancel(a.prepared.ticket.id, "print_failed_left"),
                               on_done=self.alive(self._changed))
            elif isinstance(action, Report):
                self.health.fault("printer", action.code)  # the supervisor sees it within a sync cycle
        self.show_step()

    def _refused(self, exc: Exception) -> None:
        code = exc.code if isinstance(exc, DomainError) else "internal_error"
        self.run(self.flow.refused(code))

    def _print(self, prepared) -> None:  # noqa: ANN001
        if self.printer is None:
            self.run(self.flow.print_failed("no_printer"))
            return
        wait = texts.minutes(prepared.wait)
        labels = TicketLabels(footer=self.tr("预计等候{wait}，请留意叫号，过号需重新取号").format(wait=wait))
        green = prepared.ticket.green_reason
        self.printer.print_ticket(PrintedTicket(self.desk.directory.hall_name, prepared.ticket.number,
                                                prepared.business_name, prepared.people_ahead,
                                                prepared.ticket.issued_wall, self._follow(prepared), labels,
                                                phone=prepared.phone_masked,
                                                priority=texts.priority_text(green.value) if green else ""))

    def _changed(self, _result=None) -> None:  # noqa: ANN001
        self.on_change()
        self.refresh()

    def refresh(self) -> None:
        self.ops.run(self.desk.availability, on_done=self.alive(self._remaining), on_error=lambda exc: None)

    def ready(self) -> bool:
        """Usable: the remaining counts are on the tiles."""
        return bool(self._last_remaining)

    def _remaining(self, remaining: dict) -> None:
        self._last_remaining = remaining
        if self.desk.directory.version != self._built_for and self.flow.step is Step.HOME:
            # the admin published new businesses or priority classes: redraw the tiles (never under a citizen)
            self._build_home()
            self.show_step()
        self.home.show_remaining(remaining)

