"""NoticeData for a case's written notices (shared.notices), from the case's events. Outside shared.approval
because that core stays free of the PDF stack. No database, no network: the server and a counter client
working offline call this with the same inputs and render the same PDF bytes.

Every notice is dated on the day of the event it reports (not the day it is printed), and its verification
token is signed under the hall's verification key over the kind and that event (shared.verification): the same
wherever it is computed, verifiable by the server once the event is synced."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from shared.approval.clocks import statutory_clock
from shared.approval.counting import EstimatingCalendar
from shared.approval.definition import SPECIAL_PROCEDURE_CATEGORIES
from shared.approval.errors import ApprovalError
from shared.approval.events import Event
from shared.approval.definition import WorkflowDefinition
from shared.approval.lifecycle import Action
from shared.approval.state import CaseState
from shared.calendar import WorkCalendar
from shared.notices import (
    Applicant, Correction, Licence, Material, NoticeData, NoticeKind, Office, SpecialProcedure,
)
from shared.notices.settings import packaged
from shared.verification import make_token

log = logging.getLogger("govhall.notices")

# The event each notice reports: the latest of these actions.
SOURCE = {
    NoticeKind.RECEIPT: (Action.RECEIVE,),
    NoticeKind.ACCEPTANCE: (Action.ACCEPT, Action.DEEMED_ACCEPTED_ART32),
    NoticeKind.CORRECTION: (Action.REQUEST_CORRECTION,),
    NoticeKind.REFUSAL_OF_ACCEPTANCE: (Action.REJECT_APPLICATION,),
    NoticeKind.SPECIAL_PROCEDURE: (Action.START_SPECIAL_PROCEDURE,), NoticeKind.EXTENSION: (Action.EXTEND,),
    NoticeKind.GRANT: (Action.GRANT,), NoticeKind.REFUSAL: (Action.REFUSE,),
}


# Notices of a deciding step (Art. 45 告知书, 延期, 准予/不予许可决定书): made by the approver's workstation, which
# holds the applicant's identity only masked, so every node prints the masked form on them (one rule, here).
DECISION_KINDS = (NoticeKind.SPECIAL_PROCEDURE, NoticeKind.EXTENSION, NoticeKind.GRANT, NoticeKind.REFUSAL)

# A grant's legal basis when the decision names none (the Grant command carries no basis): Art. 38(1), the
# rule every grant applies — an application meeting the statutory conditions and standards is granted in writing.
GRANT_BASIS = "《中华人民共和国行政许可法》第三十八条第一款"

CORRECTION_DAYS = 5  # working days given to bring corrections: an office setting, 5 by default
VERIFY_BASE_URL = "https://zwfw.dg.gov.cn/v/"  # where the notice's QR code points (the server's /v/{token})
OFFICE_SETTINGS = ("review_authority", "court", "phone")  # Office fields office_settings.json sets
FORMS = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件", "electronic": "电子件"}


def office_settings(centre_code: str = "", hall_code: str = "") -> dict[str, str]:
    """What shared/notices/office_settings.json says for the office (the packaged default of a hall's notice
    settings, shared/notices/settings.py): the centre's entry, then the hall's."""
    default = packaged(centre_code, hall_code)
    return {k: getattr(default, k) for k in OFFICE_SETTINGS if getattr(default, k)}


def office_for(centre_name: str, hall_name: str, address: str = "", *, centre_code: str = "",
               hall_code: str = "") -> Office:
    """The issuing office as the hall reference data names it (clients hold the same rows); with the codes,
    also what office_settings.json gives it — the review authority and court a refusal must name."""
    name = f"{centre_name}{hall_name}" if hall_name not in centre_name else centre_name
    return Office(name, VERIFY_BASE_URL, address=address or None, **office_settings(centre_code, hall_code))


def office_of(hall) -> Office:  # noqa: ANN001 - a shared.db.models.Hall, from the server's tables or a client's cache
    """office_for for a Hall row and its centre: what the server's notices and a counter client both use."""
    return office_for(hall.centre.name, hall.name, hall.address, centre_code=hall.centre.code, hall_code=hall.code)


class NoticeNotAvailable(ApprovalError):
    """The case has no event this notice reports (e.g. a grant notice for a refused case)."""
    code = "notice_not_available"


@dataclass(frozen=True)
class CaseFacts:
    """What the notice needs beyond the events: names from the catalogue, the applicant, the office."""
    case_id: str
    case_number: str
    applicant: Applicant
    office: Office
    item_name: str
    situation_name: str | None
    statutory_limit_days: int
    materials: tuple[Material, ...] = ()
    statutory_due: dt.date | None = None  # the extended due day, for the extension notice
    correction_days: int = CORRECTION_DAYS
    verify_key: bytes | None = None  # the hall's verification key (shared.verification), from provisioning


def verification_token(kind: NoticeKind, event_id: str, verify_key: bytes | None) -> str:
    """Signed under the hall's key. Without one (a workstation provisioned before keys were handed out) the
    notice still prints, with 128 random bits the server will not recognise: unguessable, never unkeyed."""
    if verify_key is None:
        log.warning("no hall verification key: the %s notice's QR code will not verify", kind.value)
        return secrets.token_urlsafe(33)
    return make_token(verify_key, kind.value, event_id)


def notice_data(kind: NoticeKind, events: Sequence[Event], facts: CaseFacts,
                calendar: WorkCalendar) -> NoticeData:
    source = next((e for e in reversed(events) if e.action in SOURCE[kind]), None)
    if source is None:
        raise NoticeNotAvailable(f"the case has no {kind.value} to give notice of", kind=kind.value)
    received = events[0].day if events else None
    accepted = next((e for e in events if e.action in SOURCE[NoticeKind.ACCEPTANCE]), None)
    p = source.payload
    fields: dict = {}
    if kind is NoticeKind.CORRECTION:
        fields["corrections"] = tuple(Correction(m, problem) for m, problem in p["items"])
        # estimated past the published years, like every other deadline: a notice is never refused for it
        estimate = EstimatingCalendar(calendar)
        fields["correction_deadline"] = estimate.add_workdays(source.day, facts.correction_days)
    if kind in (NoticeKind.REFUSAL_OF_ACCEPTANCE, NoticeKind.REFUSAL):
        fields.update(reason=p.get("reason"), legal_basis=p.get("legal_basis"))
    if kind is NoticeKind.SPECIAL_PROCEDURE:
        fields["special_procedure"] = SpecialProcedure(SPECIAL_PROCEDURE_CATEGORIES[p["category"]],
                                                       p["expected_days"], start_date=source.day)
    if kind is NoticeKind.EXTENSION:
        fields.update(extension_days=p["days"], reason=p.get("reason"),
                      extended_due_date=facts.statutory_due if facts.statutory_due and
                      facts.statutory_due > source.day else None)
    if kind is NoticeKind.GRANT:
        licence_no = next((e.payload.get("licence_no") for e in events if e.action is Action.MAKE_LICENCE),
                          None) or None  # "" = numbered by rule, not yet known offline
        fields["licence"] = Licence(facts.item_name, licence_no)
        fields["legal_basis"] = p.get("legal_basis") or GRANT_BASIS
    return NoticeData(
        case_number=facts.case_number, issue_date=source.day, office=facts.office, applicant=facts.applicant,
        verification_token=verification_token(kind, source.event_id, facts.verify_key),
        item_name=facts.item_name,
        situation_name=facts.situation_name, received_date=received,
        accepted_date=_accepted_on(accepted, source),
        materials=facts.materials, statutory_limit_days=facts.statutory_limit_days, **fields)


def _accepted_on(accepted: Event | None, source: Event) -> dt.date | None:
    """The acceptance day (backdated when Art. 32 deemed it), if it is not after the notice's own day."""
    if accepted is None:
        return None
    day = dt.date.fromisoformat(accepted.payload["accepted_on"])
    return day if day <= source.day else None


def notice_applicant(kind: NoticeKind, name: str, company: bool, id_masked: str,
                     clear_id: str | None = None) -> Applicant:
    """The applicant as a notice of `kind` names them: a counter notice with the identifier the counter typed
    in (clear: the template decides whether it is printed in full), a decision notice with the masked one
    the case row carries (DECISION_KINDS)."""
    name = name or "（未填写）"
    if kind in DECISION_KINDS or not clear_id:
        return Applicant(name, uscc_masked=id_masked if company else None,
                         resident_id_masked=None if company else id_masked)
    return Applicant(name, resident_id=None if company else clear_id, uscc=clear_id if company else None)


def case_facts(session, *, case_id: str, case_number: str, applicant: Applicant, office: Office,  # noqa: ANN001
               state: CaseState, definition: WorkflowDefinition, events: Sequence[Event],
               calendar: WorkCalendar, verify_key: bytes | None = None) -> CaseFacts:
    """CaseFacts from the catalogue rows in `session` (shared.db.models: the server's tables or a client's
    cache, which hold the same rows) and the case's events: the one way the server's notices endpoint and an
    approver's workstation gather them."""
    from sqlalchemy import select

    from shared.db.models import ServiceItem, Situation
    item = session.scalars(select(ServiceItem).where(ServiceItem.code == state.item_code)).one()
    situation = session.scalars(select(Situation).where(Situation.code == state.situation_code)).one()
    materials = tuple(Material(m.name, m.copies, FORMS.get(m.form)) for m in situation.materials
                      if m.name in state.materials)
    clock = statutory_clock(state, definition, events[-1].day, calendar)
    return CaseFacts(case_id, case_number, applicant, office, item.name, situation.name,
                     definition.statutory_limit_days, materials, clock.due if clock else None, verify_key=verify_key)
