"""REST shapes of the approval server (reads, worklists, statistics, definitions admin, registers). Writes to
cases go through hall sync (shared.protocol.approval), never through these routes.

Masking: the applicant's ID/USCC and phone come masked unless the signed-in user holds one of
FULL_IDENTITY_ROLES (leaders accountable for the case: 督办 and the decision); every reveal is audited.
The admin role is technical and sees masked values like everyone else."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.approval import CaseRow, EventRow
from shared.protocol.base import Request, Response

FULL_IDENTITY_ROLES = frozenset({"supervisor", "head"})


class CaseSearch(Request):
    """办件查询 by body (`POST /api/v1/cases/search`): an ID number or a name never travels in a URL, where
    access logs and proxies would keep it. A name matches whole (names are sealed; whitespace ignored)."""
    number: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=100)
    id_number: str | None = Field(default=None, max_length=20, description="resident ID or USCC")
    item: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=30)
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class MaterialOut(Response):
    material: str
    file_name: str
    sha256: str
    size: int


class CaseDetail(Response):
    case: CaseRow
    applicant_id: str            # masked unless the role may see it
    applicant_phone: str         # masked likewise ("" when none was given)
    identity_revealed: bool
    events: list[EventRow]
    materials: list[MaterialOut]
    actions: list[str]           # what the signed-in user may do now (enabling buttons)
    art32_deadline: dt.date | None = None
    art32_warning: bool = False


class WorkItem(Response):
    case: CaseRow
    actions: list[str]


class DueEntryOut(Response):
    case_id: str
    case_number: str
    clock: str
    card: str
    due: dt.date | None
    remaining: int
    urgent: bool


class DueGroup(Response):
    department: str
    step: str
    entries: list[DueEntryOut]


class CountsOut(Response):
    key: list[str]
    received: int
    accepted: int
    not_accepted: int
    granted: int
    refused: int
    closed: int
    withdrawn: int
    terminated: int
    in_progress: int
    overdue: int
    average_cycle_days: float | None


class StatisticsOut(Response):
    by: list[str]
    as_of: dt.date
    rows: list[CountsOut]
    total: CountsOut


class DefinitionOut(Response):
    item_code: str
    situation_code: str
    version: int
    created_by: str
    created_at: dt.datetime
    body: dict


class DefinitionIn(Request):
    """A new version of an existing (item, situation): the body without a version (the server numbers it)."""
    body: dict = Field(description="definition_to_dict form; `version` is ignored")


class DefinitionUsage(Response):
    version: int
    created_by: str
    created_at: dt.datetime
    cases: int       # cases received under this version
    open_cases: int  # of them, not yet closed or delivered


class ImportOut(Response):
    imported: int
    errors: list[dict]
