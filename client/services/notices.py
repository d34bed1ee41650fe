"""Written notices at the counter (受理通知书 / 补正材料通知书 / 不予受理决定书) as PDF, from the case's events with
the shared builder the server uses too (shared.approval_notices): offline, the counter renders the same bytes
the server would. Saved under the workstation's data folder for printing or handing over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from client.services.applicant import PERSON, Applicant
from client.services.cases import CaseStore
from client.services.catalogue import CatalogueChoice
from shared.approval_notices import SOURCE, CaseFacts, notice_data, office_for, verification_token
from shared.notices import Applicant as NoticeApplicant
from shared.notices import Material, NoticeKind, render_notice
from shared.notices.settings import NoticeSettings, packaged

KINDS = {"accepted": NoticeKind.ACCEPTANCE, "correction": NoticeKind.CORRECTION,
         "rejected": NoticeKind.REFUSAL_OF_ACCEPTANCE}


class NoticeWriter:
    def __init__(self, cases: CaseStore, centre_name: str, hall_name: str, folder: Path, address: str = "", *,
                 centre_code: str = "", hall_code: str = "",
                 published: Callable[[], dict[str, dict]] | None = None, verify_key: bytes | None = None) -> None:
        self.cases, self.folder = cases, folder
        self.verify_key = verify_key  # the hall's key from provisioning: notices made offline verify once synced
        # As the server's notices endpoint does (office_of): the codes bring the review authority and court.
        self.office = office_for(centre_name, hall_name, address, centre_code=centre_code, hall_code=hall_code)
        self.default = packaged(centre_code, hall_code)
        self.published = published or (lambda: {})  # the hall's synced notice_settings rows, read at each notice

    def settings(self) -> NoticeSettings:
        """The admin's 文书设置 as last pulled (the same the server prints with), else the packaged default."""
        rows = self.published()
        return NoticeSettings.from_row(next(iter(rows.values()))) if rows else self.default

    def verification_url(self, kind: str, case_id: str) -> str:
        """The signed verification URL of the outcome's notice (shared.verification), for the counter receipt's
        QR code: the same token as the PDF notice of that event. "" without the hall key (the receipt then
        carries the case number, as before)."""
        if not self.verify_key:
            return ""
        notice = KINDS[kind]
        source = next((e for e in reversed(self.cases.events(case_id)) if e.action in SOURCE[notice]), None)
        if source is None:
            return ""
        return self.settings().office(self.office).verification_base_url + \
            verification_token(notice, source.event_id, self.verify_key)

    def write(self, kind: str, case_id: str, case_number: str, choice: CatalogueChoice, situation_code: str,
              applicant: Applicant) -> Path:
        """Render the notice for the outcome `kind` (accepted / correction / rejected); returns the PDF path."""
        situation = next(s for s in choice.situations if s.code == situation_code)
        who = NoticeApplicant(applicant.name, resident_id=applicant.identifier if applicant.kind == PERSON else None,
                              uscc=None if applicant.kind == PERSON else applicant.identifier,
                              phone=applicant.phone or None)
        facts = CaseFacts(case_id, case_number, who, self.office, choice.label, situation.name,
                          choice.statutory_limit_days, tuple(Material(name) for name, _ in situation.materials))
        notice = KINDS[kind]
        settings = self.settings()
        facts = CaseFacts(**{**facts.__dict__, "office": settings.office(self.office), "verify_key": self.verify_key})
        data = notice_data(notice, self.cases.events(case_id), facts, self.cases.calendar)
        pdf = render_notice(data, settings.template_set()[notice.value], seal_png=settings.seal_png)
        path = self.folder / f"{case_number}-{notice.value}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        return path
