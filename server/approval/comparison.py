"""信息比对: the applicant's identity checked against the company and person registers. Mismatches are
warnings on the case (the clerk decides), never refusals: a register can be out of date.

Registers are imported from CSV by an admin, all rows or none: every row is validated first and every bad
row is reported with its line number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from server.approval.identity import USCC
from server.approval.models import RegistryCompany, RegistryPerson
from shared.approval.personal import RESIDENT_ID, protect
from shared.crypto.blind_index import blind_index
from shared.crypto.keys import KeyProvider
from shared.validation import (InvalidIdentifier, check_uscc, mask_name, mask_resident_id, mask_uscc,
                               normalise_resident_id)

COMPANY_COLUMNS = ("uscc", "name", "legal_representative")
PERSON_COLUMNS = ("id_number", "name")


def _norm_name(name: str) -> str:
    return "".join((name or "").split())


def compare(session: Session, kind: str, clear_id: str, name: str, keys: KeyProvider) -> list[dict]:
    """Warnings: `not_in_register` or `name_mismatch` (with the register's name, masked for persons)."""
    if kind == USCC:
        company = session.get(RegistryCompany, clear_id)
        if company is None:
            return [{"code": "not_in_register", "register": "company", "id": mask_uscc(clear_id)}]
        if name and _norm_name(company.name) != _norm_name(name):
            return [{"code": "name_mismatch", "register": "company", "registered_name": company.name,
                     "given_name": name}]
        return []
    person = session.get(RegistryPerson, blind_index(RESIDENT_ID, clear_id, keys))
    if person is None:
        return [{"code": "not_in_register", "register": "person", "id": mask_resident_id(clear_id)}]
    if name and _norm_name(person.name) != _norm_name(name):
        return [{"code": "name_mismatch", "register": "person", "registered_name": mask_name(person.name),
                 "given_name": mask_name(name)}]  # a person's names stay out of the case row (it is published)
    return []


@dataclass(frozen=True)
class ImportResult:
    imported: int
    errors: list[dict]


def _rows(text: str, columns: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    missing = [c for c in columns if c not in header]
    if missing:
        return [], [{"line": 1, "code": "missing_columns", "columns": missing}]
    out = []
    for n, row in enumerate(reader, start=2):
        out.append((n, {c: (row.get(c) or "").strip() for c in columns}))
    return out, []


def import_companies(session: Session, text: str) -> ImportResult:
    rows, errors = _rows(text, COMPANY_COLUMNS)
    clean: dict[str, dict] = {}
    for line, row in rows:
        try:
            uscc = check_uscc(row["uscc"])
        except InvalidIdentifier as exc:
            errors.append({"line": line, "code": "invalid_uscc", "reason": exc.code})
            continue
        if not row["name"]:
            errors.append({"line": line, "code": "name_required"})
        elif uscc in clean:
            errors.append({"line": line, "code": "duplicate_row", "id": uscc})
        else:
            clean[uscc] = {**row, "uscc": uscc}
    if errors or not rows:
        return ImportResult(0, errors or [{"line": 1, "code": "no_rows"}])
    for uscc, row in clean.items():
        session.merge(RegistryCompany(uscc=uscc, name=row["name"],
                                      legal_representative=row["legal_representative"]))
    return ImportResult(len(clean), [])


def import_persons(session: Session, text: str, keys: KeyProvider) -> ImportResult:
    rows, errors = _rows(text, PERSON_COLUMNS)
    clean: dict[str, tuple[str, str]] = {}
    for line, row in rows:
        try:
            number = normalise_resident_id(row["id_number"])
        except InvalidIdentifier as exc:
            errors.append({"line": line, "code": "invalid_resident_id", "reason": exc.code})
            continue
        if not row["name"]:
            errors.append({"line": line, "code": "name_required"})
        elif number in clean:
            errors.append({"line": line, "code": "duplicate_row"})
        else:
            clean[number] = (number, row["name"])
    if errors or not rows:
        return ImportResult(0, errors or [{"line": 1, "code": "no_rows"}])
    for number, name in clean.values():
        p = protect(RESIDENT_ID, number, keys, "registry_person")
        person = RegistryPerson(id_key=p.index, id_sealed=p.sealed, id_masked=p.masked)
        person.name = name  # sealed, bound to the id key set above
        session.merge(person)
    return ImportResult(len(clean), [])
