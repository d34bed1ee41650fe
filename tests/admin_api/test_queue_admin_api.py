"""Issue 14 part 2, queue: a business with its quota in a new hall's scope, quotas whose half days exceed the
day refused (quota_am_exceeds_day / quota_pm_exceeds_day), before/after in the audit, and the preview's
answers (shared/queue/preview.py, the dispenser's own checks) on draft rules."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.china_time import CHINA_TZ
from shared.queue.config import Business, Quota
from shared.queue.issuance import IssuedCounts
from shared.queue.preview import preview
from tests.admin_api.support import admin_world, audits, code

Q = "/api/v1/queue/admin"


@pytest.fixture
def world(client):  # noqa: ANN001, ANN201
    return admin_world(client)


def test_a_business_with_a_quota_and_a_window(world) -> None:  # noqa: ANN001
    c, hall = world.client, world.other_hall_id
    r = c.post(f"{Q}/halls/{hall}/businesses", headers=world.other_admin,
               json={"code": "SOC", "prefix": "S", "name": "社保业务"})
    assert r.status_code == 201, r.text
    business = r.json()["id"]
    quota = {"daily_limit": 100, "am_limit": 60, "pm_limit": 40, "opens_at": "08:30", "closes_at": "17:00",
             "lunch_start": "12:00", "lunch_end": "13:30", "lunch_closed": True}
    assert c.put(f"{Q}/businesses/{business}/quota", headers=world.other_admin, json=quota).status_code == 200
    window = c.get(f"/api/v1/admin/halls/{hall}/windows", headers=world.other_admin).json()[0]
    assert c.put(f"{Q}/windows/{window['id']}/services", headers=world.other_admin,
                 json={"services": [{"business_id": business, "level": 1}]}).status_code == 200
    config = c.get(f"/api/v1/queue/halls/{hall}/config").json()
    assert config["businesses"][0]["quota"]["daily_limit"] == 100
    assert config["windows"][0]["services"] == [{"business_id": business, "level": 1}]
    assert config["rules"]["lunch_closed_by_business"] == {str(business): True}
    [entry] = audits(c, "queue.quota")
    assert entry.detail["before"] is None and entry.detail["after"]["am_limit"] == 60
    assert audits(c, "queue.window.services")[0].detail["before"] == {"services": []}


@pytest.mark.parametrize("quota, expected", [
    ({"daily_limit": 50, "am_limit": 60}, "quota_am_exceeds_day"),
    ({"daily_limit": 50, "pm_limit": 51}, "quota_pm_exceeds_day"),
    ({"opens_at": "18:00", "closes_at": "09:00"}, "invalid_quota"),
    ({"lunch_start": "12:00"}, "invalid_quota"),
    ({"daily_limit": -1}, "invalid_request"),
])
def test_bad_quotas_are_refused_and_nothing_changes(world, quota, expected) -> None:  # noqa: ANN001
    c = world.client
    business = c.get(f"/api/v1/queue/halls/{world.hall_id}/config").json()["businesses"][0]
    r = c.put(f"{Q}/businesses/{business['id']}/quota", headers=world.admin, json=quota)
    assert (r.status_code, code(r)) == (422, expected), r.text
    after = c.get(f"/api/v1/queue/halls/{world.hall_id}/config").json()["businesses"][0]
    assert after["quota"] == business["quota"]


def test_queue_edits_are_refused_for_other_halls_and_clerks(world) -> None:  # noqa: ANN001
    c = world.client
    body = {"code": "X1", "prefix": "X", "name": "测试"}
    assert code(c.post(f"{Q}/halls/{world.hall_id}/businesses", headers=world.other_admin, json=body)) == \
        "hall_forbidden"
    assert code(c.post(f"{Q}/halls/{world.hall_id}/businesses", headers=world.clerk, json=body)) == "role_required"


AT = dt.date(2026, 11, 2)


def _at(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(AT, dt.time.fromisoformat(hhmm), CHINA_TZ)


def test_the_preview_answers_as_a_dispenser() -> None:
    b = Business(7, "B", "不动产登记")
    quota = Quota(7, daily_limit=100, am_limit=40, pm_limit=60, opens_at=dt.time(8, 30),
                  closes_at=dt.time(17, 0), lunch_start=dt.time(12, 0), lunch_end=dt.time(13, 30), lunch_closed=True)
    at_1150 = preview(b, quota, _at("11:50"), IssuedCounts(day=39, am=39))
    assert at_1150.issued and (at_1150.left_after, at_1150.limited_by) == (0, "am")
    assert "上午还剩0个号" in at_1150.text(b)
    full = preview(b, quota, _at("11:50"), IssuedCounts(day=40, am=40))
    assert (full.issued, full.code) == (False, "am_quota_exhausted")
    lunch = preview(b, quota, _at("12:10"), IssuedCounts())
    assert lunch.code == "lunch_break" and "13:30恢复取号" in lunch.text(b)
    assert preview(b, quota, _at("17:05"), IssuedCounts()).code == "outside_opening_hours"
    open_over_lunch = Quota(7, lunch_start=dt.time(12, 0), lunch_end=dt.time(13, 30), lunch_closed=False)
    assert preview(b, open_over_lunch, _at("12:10"), IssuedCounts()).issued
    assert preview(b, None, _at("20:00"), IssuedCounts()).text(b) == "出号：B类号码，不限号"
    paused = Quota(7, paused=True)
    assert preview(b, paused, _at("10:00"), IssuedCounts()).code == "business_paused"
