"""The dispenser journey: tap a business, swipe an ID card or scan a QR code; appointment matching; print;
"不打印，记住号码"; refusals; printer failures. The ticket is recorded ("printing") when its number is taken;
the printer's answer is recorded after (shared.queue.printing), and a failed ticket nobody keeps is cancelled."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from shared.queue import appointment_qr
from shared.queue.appointments import CheckIn
from shared.queue.printing import PrintState
from shared.queue.tickets import Channel
from shared.validation import InvalidIdentifier, check_mobile, check_resident_id
from kiosk.identity import codes as identity_codes
from kiosk.identity.decoder import BusinessIdentity, PersonIdentity

# QR codes at the dispenser: a provincial identity code (粤省事码 / 粤商码, kiosk.identity.codes) is decoded by
# the provincial gateway (kiosk.identity.decoder) into a person or a business; "GOVHALL-ID:<ID number>" carries
# an ID number itself; an appointment QR code ("GOVHALL-APPT:<token>", shared.queue.appointment_qr) names an
# appointment. Anything else is refused as unreadable.
QR_SCHEMES = ("GOVHALL-ID",)


class Step(enum.Enum):
    HOME = "home"
    PICK = "pick"            # a person is known (card, QR or phone): choose the business
    PHONE = "phone"          # 手机号取号: the number keypad
    BUSY = "busy"            # checking, taking a number, printing
    ISSUED = "issued"
    REFUSED = "refused"
    PRINT_FAILED = "print_failed"


# Actions the controller runs -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LookUp:
    person_id: str
    channel: Channel


@dataclass(frozen=True)
class LookUpToken:
    """Find the appointment an appointment QR code names (its token)."""
    token: str


@dataclass(frozen=True)
class Decode:
    """Ask the provincial gateway who a 粤省事码 / 粤商码 names (kiosk.identity.decoder)."""
    code: identity_codes.IdentityCode


@dataclass(frozen=True)
class Issue:
    business_id: int
    channel: Channel
    person_id: str | None = None
    check_in: CheckIn | None = None
    person_key: str | None = None  # an appointment QR code: the person is known only by key
    phone: str | None = None       # 手机号取号: the checked mobile number (sealed by the desk)
    uscc: str | None = None        # 粤商码: the business holding the ticket
    green_reason: str | None = None  # a priority class the citizen chose on the tile (GreenChannelReason value)


@dataclass(frozen=True)
class Print:
    prepared: Any


@dataclass(frozen=True)
class Record:
    """What the printer did with the ticket (or the citizen chose): a shared.queue.printing.PrintState."""
    prepared: Any
    outcome: PrintState


@dataclass(frozen=True)
class Cancel:
    """The ticket failed to print and the citizen left without keeping its number: nobody holds it."""
    prepared: Any


@dataclass(frozen=True)
class Report:
    """A device fault worth a supervisor's attention (sent as a fact)."""
    code: str


@dataclass
class DispenserFlow:
    elderly: bool = False
    step: Step = Step.HOME
    person_id: str | None = None
    channel: Channel = Channel.DISPENSER
    prepared: Any = None
    printed: bool = False
    refusal: str = ""          # a shared.queue message code or a kiosk code
    note: str = ""             # e.g. "late_appointment"
    fault: str = ""            # printer error code
    history: list[Step] = field(default_factory=list)
    phone: str | None = None   # the number typed at the keypad, once valid
    phone_error: str = ""      # why the typed number was not taken (a shared.validation code)
    business: BusinessIdentity | None = None  # a decoded 粤商码

    # idle timeouts (seconds): the elderly get more time to read and act
    def timeout(self) -> int | None:
        base = {Step.HOME: None, Step.PICK: 30, Step.PHONE: 45, Step.BUSY: None, Step.ISSUED: 20,
                Step.REFUSED: 15, Step.PRINT_FAILED: 45}[self.step]
        return None if base is None else base * (2 if self.elderly else 1)

    def _go(self, step: Step) -> None:
        self.history.append(self.step)
        self.step = step

    def _home(self) -> list:
        self._go(Step.HOME)
        self.person_id, self.channel, self.prepared, self.printed = None, Channel.DISPENSER, None, False
        self.refusal = self.note = self.fault = self.phone_error = ""
        self.phone, self.business = None, None
        return []

    # events ----------------------------------------------------------------------------------------------
    def toggle_elderly(self) -> list:
        self.elderly = not self.elderly
        return []

    def tap(self, business_id: int, green_reason: str | None = None) -> list:
        """A business tile (a normal ticket), or one of its priority classes (`green_reason`): whether the
        business offers it is the shared rule's to decide when the ticket is admitted."""
        if self.step not in (Step.HOME, Step.PICK):
            return []
        picking = self.step is Step.PICK
        channel, person = (self.channel, self.person_id) if picking else (Channel.DISPENSER, None)
        phone = self.phone if picking else None
        uscc = self.business.uscc if picking and self.business is not None else None
        self._go(Step.BUSY)
        return [Issue(business_id, channel, person, phone=phone, uscc=uscc, green_reason=green_reason)]

    # 手机号取号 ------------------------------------------------------------------------------------------
    def choose_phone(self) -> list:
        """The home screen's 手机号取号: the keypad."""
        if self.step not in (Step.HOME, Step.ISSUED, Step.REFUSED):
            return []
        self._home()
        self._go(Step.PHONE)
        return []

    def phone_entered(self, typed: str) -> list:
        """确认 on the keypad: a valid mobile number → choose the business; otherwise say why and stay."""
        if self.step is not Step.PHONE:
            return []
        try:
            self.phone = check_mobile(typed)
        except InvalidIdentifier as exc:
            self.phone, self.phone_error = None, exc.code
            return []
        self.phone_error = ""
        self.person_id, self.channel, self.note = None, Channel.DISPENSER, ""
        self._go(Step.PICK)
        return []

    def card(self, person_id: str) -> list:
        return self._person(person_id, Channel.ID_CARD)

    def scanned(self, payload: str) -> list:
        token = appointment_qr.parse(payload)
        if token is not None:
            if self.step not in (Step.HOME, Step.PICK, Step.ISSUED, Step.REFUSED):
                return []
            self.person_id, self.channel, self.note = None, Channel.QR, ""
            self._go(Step.BUSY)
            return [LookUpToken(token)]
        code = identity_codes.parse(payload)
        if code is not None:
            if self.step not in (Step.HOME, Step.PICK, Step.ISSUED, Step.REFUSED):
                return []
            self._home()
            self.channel = Channel.QR
            self._go(Step.BUSY)
            return [Decode(code)]
        scheme, _, rest = payload.strip().partition(":")
        if scheme.upper() not in QR_SCHEMES or not rest:
            return self.refused("qr_unreadable")
        return self._person(rest, Channel.QR)

    def decoded(self, identity: PersonIdentity | BusinessIdentity) -> list:
        """The gateway's answer: a person is handled like an ID-card swipe (today's appointment, else choose
        a business); a business (粤商码) chooses its business and takes a walk-in ticket in its name."""
        if self.step is not Step.BUSY or self.channel is not Channel.QR or self.prepared is not None:
            return []
        if isinstance(identity, BusinessIdentity):
            self.business, self.note = identity, ""
            self._go(Step.PICK)
            return []
        try:
            number = check_resident_id(identity.id_number).number
        except InvalidIdentifier as exc:
            return self.refused(exc.code)
        self.person_id, self.note = number, ""
        return [LookUp(number, Channel.QR)]

    def _person(self, raw: str, channel: Channel) -> list:
        if self.step not in (Step.HOME, Step.PICK, Step.ISSUED, Step.REFUSED):
            return []
        try:
            number = check_resident_id(raw).number
        except InvalidIdentifier as exc:
            return self.refused(exc.code)
        self.person_id, self.channel, self.note = number, channel, ""
        self._go(Step.BUSY)
        return [LookUp(number, channel)]

    def appointment(self, found: CheckIn | None) -> list:
        """The look-up's answer: on time → issue it at once; late → a walk-in; none → choose a business."""
        if self.step is not Step.BUSY or self.person_id is None or self.prepared is not None:
            return []
        if found is not None and found.on_time:
            return [Issue(found.appointment.business_id, self.channel, self.person_id, found)]
        self.note = "late_appointment" if found is not None else ""
        self._go(Step.PICK)
        return []

    def token_matched(self, found: CheckIn) -> list:
        """An appointment QR code matched today's appointment, on time: its ticket at once."""
        if self.step is not Step.BUSY or self.channel is not Channel.QR:
            return []
        a = found.appointment
        return [Issue(a.business_id, Channel.QR, None, found, person_key=a.person_id)]

    def refused(self, code: str) -> list:
        self.refusal = code
        self._go(Step.REFUSED)
        return []

    def prepared_ticket(self, prepared: Any) -> list:
        if self.step is not Step.BUSY:
            return []
        self.prepared = prepared
        return [Print(prepared)]

    def print_done(self) -> list:
        if self.step is not Step.BUSY or self.prepared is None:
            return []
        self.printed = True
        self._go(Step.ISSUED)
        return [Record(self.prepared, PrintState.PRINTED)]

    def print_failed(self, code: str) -> list:
        if self.step is not Step.BUSY or self.prepared is None:
            return []
        self.fault = code
        self._go(Step.PRINT_FAILED)
        return [Record(self.prepared, PrintState.FAILED), Report(code)]

    def retry_print(self) -> list:
        if self.step is not Step.PRINT_FAILED:
            return []
        self._go(Step.BUSY)
        return [Print(self.prepared)]

    def keep_number(self) -> list:
        """不打印，记住号码: the citizen keeps the number shown on screen; now it counts as issued."""
        if self.step is not Step.PRINT_FAILED:
            return []
        self.printed = False
        self._go(Step.ISSUED)
        return [Record(self.prepared, PrintState.KEPT)]

    def back(self) -> list:
        """Home from any screen but a busy one; a ticket that failed to print and was not kept is cancelled."""
        if self.step is Step.BUSY:
            return []
        abandoned = [Cancel(self.prepared)] if self.step is Step.PRINT_FAILED and self.prepared is not None else []
        return abandoned + self._home()

    def idle(self) -> list:
        return self.back()
