"""A licence's certificate as PDF: what the register serves and what the electronic archive files."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.api.notice_settings import settings_of
from server.approval.identity import pii_keys
from server.licences.models import Licence
from server.licences.store import holder_id, holder_name, licence_title, rule_for
from shared.approval_notices import office_of
from shared.db.models import Hall
from shared.licences import CertificateFacts, render_certificate
from shared.notices import Applicant
from shared.verification import derive_hall_key, make_token


def certificate_pdf(session: Session, lic: Licence) -> bytes:
    """The certificate with its signed QR code, in the item's template and the hall's office and seal."""
    keys = pii_keys()
    hall = session.get(Hall, lic.hall_id)
    settings = settings_of(session, hall)
    _, overrides = rule_for(session, lic.item_code)
    company = lic.holder_kind == "company"
    clear_id = holder_id(lic, keys)
    holder = Applicant(holder_name(lic, keys), resident_id=None if company else clear_id,
                       uscc=clear_id if company else None)
    facts = CertificateFacts(lic.number, licence_title(session, lic), lic.item_name, lic.scope,
                             holder, lic.valid_from, lic.valid_until, lic.issued_on, lic.case_number,
                             settings.office(office_of(hall)),
                             make_token(derive_hall_key(keys, lic.hall_id), "licence", lic.id))
    return render_certificate(facts, overrides, settings.seal_png)
