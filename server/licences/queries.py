"""Reads of the licence register: multi-key search within one hall, and the counts by status and by item of
what the search found. `expired` is derived (stored valid, last day before today), never stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from server.approval.identity import name_key, search_key
from server.licences.models import Licence
from server.licences.store import holder_name
from shared.crypto.keys import KeyProvider
from shared.licences import status_on
from shared.protocol.licences import LicenceSearch


def _status_filter(status: str, today: dt.date):  # noqa: ANN202 - a SQL expression
    if status == "expired":
        return and_(Licence.status == "valid", Licence.valid_until < today)
    if status == "valid":
        return and_(Licence.status == "valid", Licence.valid_until >= today)
    return Licence.status == status


def _filtered(hall_id: int, q: LicenceSearch, today: dt.date, keys: KeyProvider) -> Select:
    stmt = select(Licence).where(Licence.hall_id == hall_id)
    if q.number:
        stmt = stmt.where(Licence.number.contains(q.number.strip(), autoescape=True))
    if q.holder:
        id_key = search_key(q.holder.strip(), keys)  # an ID or USCC by its blind index, else a whole name
        stmt = stmt.where(Licence.holder_id_key == id_key if id_key else
                          Licence.holder_name_key == name_key(q.holder, keys))
    if q.item:
        stmt = stmt.where(Licence.item_code == q.item)
    if q.status:
        stmt = stmt.where(_status_filter(q.status, today))
    if q.issued_from:
        stmt = stmt.where(Licence.issued_on >= q.issued_from)
    if q.issued_to:
        stmt = stmt.where(Licence.issued_on <= q.issued_to)
    return stmt


def search(session: Session, hall_id: int, q: LicenceSearch, today: dt.date, keys: KeyProvider) -> dict:
    stmt = _filtered(hall_id, q, today, keys)
    found = stmt.subquery()
    total = session.scalar(select(func.count()).select_from(found)) or 0
    by_item = session.execute(select(found.c.item_code, found.c.item_name, func.count())
                              .group_by(found.c.item_code, found.c.item_name).order_by(found.c.item_code)).all()
    expired = found.c.valid_until < today
    by_status: dict[str, int] = {"valid": 0, "revoked": 0, "expired": 0, "replaced": 0}
    for stored, is_expired, n in session.execute(select(found.c.status, expired, func.count())
                                                 .group_by(found.c.status, expired)).all():
        key = "expired" if stored == "valid" and is_expired else stored
        by_status[key] = by_status.get(key, 0) + n
    rows = session.scalars(stmt.order_by(Licence.issued_on.desc(), Licence.number).limit(q.limit)
                           .offset(q.offset)).all()
    return {"rows": [row_of(r, today, keys) for r in rows], "total": total, "by_status": by_status,
            "by_item": [{"item_code": c, "item_name": n, "count": k} for c, n, k in by_item]}


def row_of(lic: Licence, today: dt.date, keys: KeyProvider) -> dict:
    return {"id": lic.id, "number": lic.number, "item_code": lic.item_code, "item_name": lic.item_name,
            "scope": lic.scope, "holder_name": holder_name(lic, keys), "holder_id_masked": lic.holder_id_masked,
            "status": status_on(lic.status, lic.valid_until, today).value, "valid_from": lic.valid_from,
            "valid_until": lic.valid_until, "issued_on": lic.issued_on, "revoked_on": lic.revoked_on,
            "revoke_reason": lic.revoke_reason, "case_number": lic.case_number, "replaces_id": lic.replaces_id,
            "replaced_by_id": lic.replaced_by_id, "origin": lic.origin}
