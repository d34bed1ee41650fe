"""The applicant of an application: a person (resident ID, typed or read from the card) or an organisation
(USCC). Validation is shared.validation's; what is shown once saved is masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.validation import (InvalidIdentifier, check_resident_id, check_uscc, mask_name, mask_resident_id,
                               mask_uscc)

PERSON, ORGANISATION = "person", "company"  # shared.protocol.approval.ApplicantKind


@dataclass(frozen=True)
class Applicant:
    kind: str                     # person / organisation
    name: str
    identifier: str               # resident ID or USCC, normalised
    phone: str = ""
    from_card: bool = False
    card_valid_to: dt.date | None = None

    @property
    def masked_identifier(self) -> str:
        # The server masks a USCC too (server/approval/identity.py): the optimistic case row must agree.
        return mask_resident_id(self.identifier) if self.kind == PERSON else mask_uscc(self.identifier)

    @property
    def masked_name(self) -> str:
        # An organisation's name is public; a person's is masked in lists and on receipts.
        return mask_name(self.name) if self.kind == PERSON else self.name


def check_identifier(kind: str, text: str, today: dt.date) -> str:
    """The normalised identifier, or InvalidIdentifier with a code saying what is wrong."""
    if kind == PERSON:
        return check_resident_id(text, today=today).number
    return check_uscc(text)


def identifier_problem(kind: str, text: str, today: dt.date) -> str | None:
    """For validating as the clerk types: None when valid, else the error code."""
    try:
        check_identifier(kind, text, today)
    except InvalidIdentifier as exc:
        return exc.code
    return None


def comparison_warnings(applicant: Applicant, today: dt.date) -> list[str]:
    """比对核对 that the counter can do itself (codes; the UI words them). The server's information
    comparison (against the population and enterprise registers) adds its own when it exposes them."""
    warnings = []
    if applicant.from_card and applicant.card_valid_to is not None and applicant.card_valid_to < today:
        warnings.append("card_expired")
    if applicant.kind == PERSON and not applicant.from_card:
        warnings.append("identity_typed_not_read")
    return warnings
