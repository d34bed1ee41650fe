"""The audit trail for admins: filtered pages as JSON and the same filter as a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response as HttpResponse
from sqlalchemy import Select, select

from server.api.deps import AdminUser, DbSession
from server.api.errors import ApiError
from server.store.models import AuditEntry
from shared.protocol.base import Response

router = APIRouter(prefix="/api/v1/admin/audit", tags=["admin: audit"])
EXPORT_LIMIT = 100_000
COLUMNS = ["id", "at", "actor", "device_id", "action", "outcome", "target", "client_address", "detail", "mac"]


class AuditOut(Response):
    id: int
    at: dt.datetime
    actor: str
    device_id: str | None
    action: str
    outcome: str
    target: str
    client_address: str
    detail: dict
    mac: str


class AuditFilter:
    def __init__(self, action: Annotated[str | None, Query(max_length=50)] = None,
                 actor: Annotated[str | None, Query(max_length=50)] = None,
                 outcome: Annotated[str | None, Query(max_length=30)] = None,
                 target: Annotated[str | None, Query(max_length=100)] = None,
                 since: dt.datetime | None = None, until: dt.datetime | None = None) -> None:
        for moment in (since, until):
            if moment is not None and moment.tzinfo is None:
                raise ApiError(422, "timezone_required", "时间须带时区（times need a UTC offset）")
        self.equal = {"action": action, "actor": actor, "outcome": outcome, "target": target}
        self.since, self.until = since, until

    def query(self) -> Select:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in self.equal.items():
            if value is not None:
                query = query.where(getattr(AuditEntry, name) == value)
        if self.since is not None:
            query = query.where(AuditEntry.at >= self.since)
        if self.until is not None:
            query = query.where(AuditEntry.at < self.until)
        return query


Filter = Annotated[AuditFilter, Depends()]


@router.get("", response_model=list[AuditOut])
def read(session: DbSession, admin: AdminUser, where: Filter, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
         offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> list[AuditOut]:
    return [AuditOut.model_validate(e) for e in session.scalars(where.query().limit(limit).offset(offset))]


@router.get("/export", response_class=HttpResponse, responses={200: {"content": {"text/csv": {}}}})
def export(session: DbSession, admin: AdminUser, where: Filter) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in session.scalars(where.query().limit(EXPORT_LIMIT)):
        writer.writerow([e.id, e.at.isoformat(), e.actor, e.device_id or "", e.action, e.outcome, e.target,
                         e.client_address, json.dumps(e.detail, ensure_ascii=False, sort_keys=True), e.mac])
    return HttpResponse("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
