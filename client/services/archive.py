"""电子档案 on a workstation: the hall's archives of finished cases read from the server (server/api/
approval_archive.py) — listed by 办结 period, one archive's manifest, its verification — its exports saved
where the user chose, and disposal (admins). Like the licence register these calls go to the server directly
(offline they are refused at once, nothing is queued). Blocking: run them through Ops, never on the GUI
thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from client.services.admin_api import AdminApi, AdminError
from shared.archive import KIND_NAMES

STATUS_NAMES = {"archived": "已归档", "disposed": "已销毁"}
PROBLEM_NAMES = {"changed": "内容被改动（与清单SM3不符）", "unreadable": "文件损坏无法读取",
                 "missing": "文件缺失", "service_mismatch": "送达文书的SM3与归档文书不符（送达的不是归档的文书）"}
MANIFEST_NAMES = {"changed": "档案清单被改动（SM3或签名不符）", "missing": "档案清单缺失",
                  "unreadable": "档案清单损坏无法读取", "disposed": "档案已销毁"}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def params(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def matching(rows: list[dict], case_number: str) -> list[dict]:
    """The period's archives whose case number contains the text (the server lists by period only)."""
    text = case_number.strip().upper()
    return [r for r in rows if text in r["case_number"].upper()] if text else list(rows)


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def kind_name(document: dict) -> str:
    return document.get("kind_name") or KIND_NAMES.get(document.get("kind", ""), document.get("kind", ""))


def verification_lines(report: dict) -> list[str]:
    """What 校验 found, one line per problem naming the document; empty when the archive is intact."""
    lines = []
    if report.get("manifest", "ok") != "ok":
        lines.append(MANIFEST_NAMES.get(report["manifest"], report["manifest"]))
    for p in report.get("problems", []):
        lines.append(f"{p['no']} {p['title']}：{PROBLEM_NAMES.get(p['problem'], p['problem'])}")
    return lines


class ArchiveService:
    """The archive routes of one hall. `hall_id` is the workstation's hall; None (an unregistered PC) asks
    the server which hall the signed-in user belongs to."""

    def __init__(self, api: AdminApi, hall_id: int | None) -> None:
        self.api = api
        self.hall_id = hall_id  # set on the GUI thread (the admin's hall picker); read by the calls

    def hall(self) -> int:
        hall = self.hall_id
        if hall is None:
            hall = self.api.get("/auth/me").get("hall_id")
            if hall is None:  # an admin of no hall must pick one (the admin page has the picker)
                raise AdminError("archive_hall_required", "no hall chosen")
        return int(hall)

    def _base(self) -> str:
        return f"/halls/{self.hall()}/archives"

    def list(self, period: Period) -> list[dict]:
        return self.api.get(self._base(), **period.params())["archives"]

    def detail(self, case_id: str) -> dict:
        return self.api.get(f"{self._base()}/{case_id}")

    def verify(self, case_id: str) -> dict:
        return self.api.get(f"{self._base()}/{case_id}/verification")

    def save_case(self, case_id: str, fmt: str, path: Path) -> Path:
        """fmt "pdf" (one PDF with a cover and 卷内目录) or "folder" (the folder zipped)."""
        return _save(self.api.get(f"{self._base()}/{case_id}/export", format=fmt), path)

    def save_period(self, period: Period, path: Path) -> Path:
        return _save(self.api.get(f"{self._base()}/period/export", **period.params()), path)

    def save_period_list(self, period: Period, path: Path) -> Path:
        return _save(self.api.get(f"{self._base()}/period/list", **period.params()), path)

    def dispose(self, case_id: str, reason: str, approved_by: str, approval_ref: str) -> dict:
        return self.api.post(f"{self._base()}/{case_id}/disposal",
                             {"reason": reason, "approved_by": approved_by, "approval_ref": approval_ref})


def _save(body: bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
