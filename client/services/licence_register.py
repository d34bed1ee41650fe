"""证照库 on a workstation: the hall's licence register read from the server (it holds the sealed holders and
the authoritative status), 注销 and 补领 made there directly like admin edits (offline they are refused at once,
nothing is queued), the certificate saved as PDF for printing, and the listing exported as .xlsx.
Blocking calls: run them through Ops, never on the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.services.admin_api import AdminApi
from client.services.stat_tables import StatTable
from client.services.xlsx_export import write_xlsx
from shared.protocol.licences import STATUSES

ORIGIN_NAMES = {"made": "制证", "reissued": "补领", "renewed": "延续", "changed": "变更",
                "renew_applied": "延续申请办理中", "change_applied": "变更申请办理中"}
STATUS_NAMES = {"valid": "有效", "revoked": "已注销", "expired": "已过期", "replaced": "已换发"}
COLUMNS = (("number", "证书编号"), ("holder_name", "持证人"), ("holder_id_masked", "证件号码"),
           ("item_name", "许可事项"), ("scope", "许可范围"), ("status", "状态"), ("valid_from", "有效期自"),
           ("valid_until", "有效期至"), ("issued_on", "发证日期"), ("revoked_on", "注销/换发日期"),
           ("case_number", "办件编号"))


@dataclass(frozen=True)
class RegisterQuery:
    number: str = ""
    holder: str = ""  # a whole name, or a resident ID / USCC (sent in the body, never in a URL)
    item: str = ""
    status: str = ""
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in (("number", self.number.strip()), ("holder", self.holder.strip()),
                                                 ("item", self.item), ("status", self.status)) if v}
        if self.issued_from:
            out["issued_from"] = self.issued_from.isoformat()
        if self.issued_to:
            out["issued_to"] = self.issued_to.isoformat()
        return out

    def describe(self) -> str:
        parts = [f"{label}：{value}" for label, value in (
            ("证书编号", self.number), ("持证人", self.holder), ("事项", self.item),
            ("状态", STATUS_NAMES.get(self.status, self.status)),
            ("发证日期自", self.issued_from), ("至", self.issued_to)) if value]
        return "；".join(parts) or "全部证照"


@dataclass
class Register:
    rows: list[dict]
    total: int
    by_status: dict[str, int]
    by_item: list[dict] = field(default_factory=list)


class LicenceRegister:
    def __init__(self, api: AdminApi) -> None:
        self.api = api

    def search(self, query: RegisterQuery, limit: int = 1000) -> Register:
        reply = self.api.post("/licences/search", {**query.body(), "limit": limit})
        return Register(reply["rows"], reply["total"], reply["by_status"], reply["by_item"])

    def revoke(self, licence_id: str, reason: str) -> dict:
        return self.api.post(f"/licences/{licence_id}/revoke", {"reason": reason})

    def reissue(self, licence_id: str, reason: str) -> dict:
        return self.api.post(f"/licences/{licence_id}/reissue", {"reason": reason})

    def history(self, licence_id: str) -> list[dict]:
        """The cases that touched the licence (制证, 补领, 延续, 变更), oldest first, then those under way."""
        return self.api.get(f"/licences/{licence_id}/history")

    def save_certificate(self, licence_id: str, path: Path) -> Path:
        pdf = self.api.get(f"/licences/{licence_id}/certificate")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        return path


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def history_lines(entries: list[dict]) -> list[str]:
    """One line per case: what it did, its case number, the certificate's validity and status."""
    out = []
    for e in entries:
        what = ORIGIN_NAMES.get(e["origin"], e["origin"])
        if e.get("valid_from"):
            out.append(f"{e['issued_on']}　{what}　办件 {e['case_number']}　有效期 {e['valid_from']} 至 "
                       f"{e['valid_until']}　{status_name(e['status'])}")
        else:
            out.append(f"{what}　办件 {e['case_number']}")
    return out


def register_table(register: Register, query: RegisterQuery) -> StatTable:
    """The listing as the screen shows it, for write_xlsx; the counts by status go in the notes."""
    rows = [tuple(status_name(r[k]) if k == "status" else (r.get(k) or "") for k, _ in COLUMNS)
            for r in register.rows]
    counts = "，".join(f"{STATUS_NAMES[s]} {register.by_status.get(s, 0)}" for s in STATUSES)
    return StatTable("证照库", tuple(label for _, label in COLUMNS), rows, [(r["id"],) for r in register.rows],
                     filters=query.describe(), notes=[f"共 {register.total} 件：{counts}"])


def export_xlsx(register: Register, query: RegisterQuery, path: Path) -> Path:
    return write_xlsx(register_table(register, query), path)
