"""Statistics API: figures per business / window / clerk / day from real pushed tickets and ratings."""

from __future__ import annotations

import uuid

from tests.fixtures.server import login
from tests.queue_server.support import DAY


def test_statistics_of_a_small_morning(qhall) -> None:  # noqa: ANN001
    kiosk, w2, evaluator = qhall.device("dispenser"), qhall.device("workstation", 2), qhall.device("evaluator", 2)
    served, gone, waiting = (qhall.issue(kiosk, "A", minutes=m)[0] for m in (0, 1, 2))
    qhall.issue(kiosk, "D", minutes=3, channel="staff")
    qhall.call(w2, served, 10)
    qhall.act(w2, "queue.start", served, 11)
    qhall.act(w2, "queue.finish", served, 21)
    qhall.push(evaluator, "queue.rate", {"rating_id": str(uuid.uuid4()), "ticket_id": served,
                                         "window_id": w2.window_id, "clerk": "clerk", "level": "very_satisfied",
                                         "at": qhall.at(21.5)})
    qhall.call(w2, gone, 22)
    for n in range(2):
        qhall.act(w2, "queue.recall", gone, 23 + n)
    qhall.act(w2, "queue.no_show", gone, 26)
    url = f"/api/v1/queue/halls/{qhall.hall_id}/statistics"
    assert qhall.client.get(url, params={"day": DAY.isoformat()}).status_code == 401
    assert qhall.client.get(url, params={"day": DAY.isoformat()},
                            headers=login(qhall.client, "clerk")).status_code == 403
    sup = login(qhall.client, "supervisor")
    body = qhall.client.get(url, params={"day": DAY.isoformat()}, headers=sup).json()
    a = body["groups"][str(qhall.business["A"])]
    assert a["issued"] == 3 and a["by_outcome"] == {"finished": 1, "no_show": 1, "waiting": 1}
    assert a["no_shows"] == 1 and a["by_channel"] == {"dispenser": 3}
    # P90 the longer wait exactly (a percentile keeps within the shortest and longest), P50 the middle of the
    # 5-second bucket holding the 10-minute wait (shared/queue/projection)
    assert a["waiting"] == {"count": 2, "mean_s": 15.5 * 60, "p50_s": 10 * 60 + 2.5, "p90_s": 21 * 60}
    assert a["service"] == {"count": 1, "mean_s": 600.0, "p50_s": 600.0, "p90_s": 600.0}
    assert a["ratings"]["very_satisfied"] == 1 and body["totals"]["bad_ratings"] == 0
    assert body["totals"]["issued"] == 4 and body["totals"]["by_channel"] == {"dispenser": 3, "staff": 1}
    assert body["quota_use"][DAY.isoformat()][str(qhall.business["A"])] == {"issued": 3, "limit": 200,
                                                                           "share": 0.015}
    by_clerk = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "clerk"}, headers=sup).json()
    assert by_clerk["groups"]["clerk"]["issued"] == 2 and by_clerk["groups"]["none"]["issued"] == 2
    by_window = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "window"}, headers=sup).json()
    assert by_window["groups"][str(w2.window_id)]["ratings"]["very_satisfied"] == 1
    by_day = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "day"}, headers=sup).json()
    assert list(by_day["groups"]) == [DAY.isoformat()]
    by_hour = qhall.client.get(url, params={"day": DAY.isoformat(), "by": "hour"}, headers=sup).json()
    assert all(0 <= int(h) < 24 for h in by_hour["groups"])  # the hall-local hour of issue
    assert sum(g["issued"] for g in by_hour["groups"].values()) == 4
    bad = qhall.client.get(url, params={"day": DAY.isoformat(), "to": "2026-01-01"}, headers=sup)
    assert bad.json()["error"]["code"] == "invalid_range"
    assert qhall.client.get(url, params={"day": DAY.isoformat(), "by": "moon"}, headers=sup).status_code == 422
