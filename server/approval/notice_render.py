"""One case notice rendered by the server from its own rows: what the notices route serves and what the
electronic archive (server/archive) files — the same bytes a workstation renders offline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.api.notice_settings import settings_of
from server.approval import cache
from server.approval.definitions import load_all
from server.approval.identity import KIND_OF, USCC, pii_keys, reveal_identity
from server.approval.models import ApprovalCase
from server.approval.store import events_of
from shared.approval.events import Event
from shared.approval.state import replay
from shared.approval_notices import DECISION_KINDS, case_facts, notice_applicant, notice_data, office_of
from shared.db.models import Hall
from shared.notices import NoticeKind, render_notice
from shared.verification import derive_hall_key


def render_case_notice(session: Session, case: ApprovalCase, notice_kind: NoticeKind,
                       events: list[Event] | None = None) -> bytes:
    """The PDF; raises shared.approval_notices.NoticeNotAvailable when the case has no event this notice
    reports and shared.notices.NoticeError when its data is incomplete."""
    events = events_of(session, case.id) if events is None else events
    state = replay(events)
    definition = load_all(session)[(case.item_code, case.situation_code, case.definition_version)]
    hall = session.get(Hall, case.hall_id)
    # A counter notice goes to the applicant: the template decides whether the number is printed in full.
    # A decision notice prints the masked one, as the approver's workstation does offline (notice_applicant).
    kind_of_id = KIND_OF[case.applicant_kind]
    clear_id = None if notice_kind in DECISION_KINDS else reveal_identity(
        kind_of_id, case.applicant_id_sealed, pii_keys(), f"case:{case.id}:applicant_id")
    applicant = notice_applicant(notice_kind, case.applicant_name, kind_of_id == USCC, case.applicant_id_masked,
                                 clear_id)
    calendar = cache.calendar(session)
    settings = settings_of(session, hall)  # the admin's 文书设置, as the hall's counters have them
    office = settings.office(office_of(hall))
    facts = case_facts(session, case_id=case.id, case_number=case.case_number, applicant=applicant,
                       office=office, state=state, definition=definition, events=events, calendar=calendar,
                       verify_key=derive_hall_key(pii_keys(), hall.id))  # the key the hall's counters sign with
    template = settings.template_set()[notice_kind.value]
    return render_notice(notice_data(notice_kind, events, facts, calendar), template, seal_png=settings.seal_png)
