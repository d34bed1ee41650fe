"""The archive page's service (client/services/archive.py): the routes and parameters it calls for the chosen
hall, the hall asked from the server on an unregistered PC, the case-number search and the words 校验 shows."""

from __future__ import annotations

import datetime as dt

import pytest

from client.services.admin_api import AdminError
from client.services.archive import ArchiveService, Period, matching, verification_lines

PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


class Api:
    def __init__(self, me: dict | None = None) -> None:
        self.calls: list[tuple] = []
        self.me = me or {"hall_id": None}

    def get(self, path: str, **params: object) -> object:
        self.calls.append(("GET", path, params))
        if path == "/auth/me":
            return self.me
        return {"archives": []} if path.endswith("/archives") else b"%PDF-1.7"

    def post(self, path: str, body: object = None) -> object:
        self.calls.append(("POST", path, body))
        return {"archive_no": "A"}


def test_routes_and_parameters_of_the_hall(tmp_path) -> None:  # noqa: ANN001
    api = Api()
    service = ArchiveService(api, 7)
    service.list(PERIOD)
    service.save_case("c1", "folder", tmp_path / "a" / "x.zip")
    service.save_period_list(PERIOD, tmp_path / "l.pdf")
    service.dispose("c1", "保管期满", "鉴定小组", "莞档销〔2057〕1号")
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    assert api.calls == [("GET", "/halls/7/archives", period),
                         ("GET", "/halls/7/archives/c1/export", {"format": "folder"}),
                         ("GET", "/halls/7/archives/period/list", period),
                         ("POST", "/halls/7/archives/c1/disposal",
                          {"reason": "保管期满", "approved_by": "鉴定小组", "approval_ref": "莞档销〔2057〕1号"})]
    assert (tmp_path / "a" / "x.zip").read_bytes() == b"%PDF-1.7"


def test_an_unregistered_pc_asks_the_users_hall_and_an_admin_of_no_hall_must_pick_one() -> None:
    assert ArchiveService(Api({"hall_id": 3}), None).hall() == 3
    with pytest.raises(AdminError) as refused:
        ArchiveService(Api(), None).list(PERIOD)
    assert refused.value.code == "archive_hall_required"


def test_search_by_part_of_the_case_number_and_the_verification_words() -> None:
    rows = [{"case_number": "DG2026000001"}, {"case_number": "DG2026000012"}]
    assert matching(rows, " 000001") == rows[:1] and matching(rows, "dg") == rows and matching(rows, "") == rows
    report = {"ok": False, "manifest": "changed", "problems": [
        {"no": "H-2026-000001-002", "title": "收件回执", "problem": "changed"},
        {"no": "H-2026-000001-003", "title": "受理通知书", "problem": "missing"},
        {"no": "H-2026-000001-004", "title": "准予行政许可决定书", "problem": "unreadable"}]}
    assert verification_lines(report) == ["档案清单被改动（SM3或签名不符）",
                                          "H-2026-000001-002 收件回执：内容被改动（与清单SM3不符）",
                                          "H-2026-000001-003 受理通知书：文件缺失",
                                          "H-2026-000001-004 准予行政许可决定书：文件损坏无法读取"]
    assert verification_lines({"ok": True, "manifest": "ok", "problems": []}) == []
