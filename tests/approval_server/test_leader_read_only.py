"""The leader (领导) reads and acts on nothing: signed in on a workstation, every case command and every 差评
action a leader pushes is refused (no step role, no handler or reviewer role), while the figures a leader
reads answer (queue and rating statistics, the rectification list)."""

from __future__ import annotations

import uuid

from shared.approval import commands as cmd
from tests.approval_server.support import command, open_desk, receive
from tests.fixtures.server import login


def test_a_leader_pushes_nothing_that_is_accepted_and_reads_the_figures(desks, client, admin,  # noqa: ANN001
                                                                       hall_id) -> None:  # noqa: ANN001
    leader = open_desk(client, admin, hall_id, "leader")
    case_id, r = receive(desks["clerk"])
    assert r["status"] == "accepted", r
    accept = leader.send(command(cmd.Accept, case_id, 1, "received", "2026-11-02", leader))
    assert (accept["status"], accept["code"]) == ("rejected", "role_not_allowed"), accept
    urge = leader.send(command(cmd.Urge, case_id, 1, "received", "2026-11-02", leader, message="请加快"))
    assert (urge["status"], urge["code"]) == ("rejected", "role_not_allowed"), urge
    verify = leader.push("rating.verify", {"record_id": str(uuid.uuid4()), "at": "2026-11-02T10:00:00+08:00",
                                           "contact": "电话", "findings": "属实"},
                         {"record": "x", "expected_version": 1, "from_state": "open"})
    assert (verify["status"], verify["code"]) == ("rejected", "role_required")
    headers = login(client, "leader")
    for path, params in ((f"/api/v1/queue/halls/{hall_id}/statistics", {"day": "2026-11-02"}),
                         (f"/api/v1/ratings/halls/{hall_id}/statistics", {"day": "2026-11-02", "by": "department"}),
                         (f"/api/v1/ratings/halls/{hall_id}/rectifications", {})):
        answer = client.get(path, params=params, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
