"""Wire schemas of the licence register (证照库): search by body (a holder's name or ID never travels in a URL),
the rows and counts it answers with, and the 注销 / 补领 requests."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response
from shared.protocol.queue import Day

STATUSES = ("valid", "revoked", "expired", "replaced")
# who reads the register, and who may 注销 / 补领 (server/api/licences.py checks; the client shows the page)
REGISTER_ROLES = ("approver", "head", "licence_officer", "supervisor", "admin")
LIFECYCLE_ROLES = ("licence_officer", "head", "supervisor", "admin")


class LicenceSearch(Request):
    number: str | None = Field(default=None, max_length=60)
    holder: str | None = Field(default=None, max_length=100, description="a name (whole) or a resident ID / USCC")
    item: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=12, description=" / ".join(STATUSES))
    issued_from: Day | None = None
    issued_to: Day | None = None
    limit: int = Field(default=200, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class LicenceRow(Response):
    id: str
    number: str
    item_code: str
    item_name: str
    scope: str
    holder_name: str
    holder_id_masked: str
    status: str  # as of today: valid / revoked / expired / replaced
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    revoked_on: dt.date | None = None
    revoke_reason: str = ""
    case_number: str
    replaces_id: str | None = None
    replaced_by_id: str | None = None
    origin: str = "made"  # made / reissued (补领) / renewed (延续) / changed (变更)


class HistoryEntry(Response):
    """One case that touched the licence: a certificate it made (origin made/reissued/renewed/changed) or a
    延续/变更 application still under way (origin renew_applied/change_applied, status the case's)."""
    licence_id: str | None
    origin: str
    case_number: str
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status: str


class ItemCount(Response):
    item_code: str
    item_name: str
    count: int


class LicenceRegister(Response):
    rows: list[LicenceRow]
    total: int
    by_status: dict[str, int]
    by_item: list[ItemCount]


class LicenceChange(Request):
    reason: str = Field(default="", max_length=500)  # required: the store refuses a blank one with its own code
