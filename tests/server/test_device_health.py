"""Device health on the server, on both backends: faults and recoveries pushed as facts fold into one current
row per device (published to the hall), the device list shows them with last seen, app version and outbox
size; a display and a hall controller may report theirs; a device reports only for itself."""

from __future__ import annotations

import datetime as dt

from shared.protocol.device_health import health_fact
from tests.fixtures.server import login
from tests.sync.support import demo_hall, new_device

AT = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.timezone.utc)


class Device:
    def __init__(self, client, database, kind: str, name: str) -> None:  # noqa: ANN001
        hall_id, _ = demo_hall(database)
        self.client, self.hall_id = client, hall_id
        self.id, token = new_device(database, kind, hall_id, name=name)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.seq = 0

    def report(self, code: str, *, part: str = "", recovered: bool = False, device: str | None = None) -> dict:
        self.seq += 1
        args = health_fact(device or self.id, code, AT, part=part, recovered=recovered)
        r = self.client.post("/api/v1/sync/push", headers=self.headers, json={
            "device": self.id, "protocol_version": 1, "commands": [{
                "seq": self.seq, "command_id": args["fact_id"], "name": "fact.record", "version": 1,
                "args": args, "base": None, "hlc": f"{self.seq:020d}-0000-{self.id[:8]}"}]})
        assert r.status_code == 200, r.text
        return r.json()["results"][0]

    def pulled_health(self) -> dict[str, dict]:
        r = self.client.get("/api/v1/sync/pull", headers={**self.headers, "X-App-Version": "0.1.0",
                                                          "X-Outbox-Pending": "4"})
        assert r.status_code == 200
        return {c["pk"]: c["row"] for c in r.json()["changes"] if c["table"] == "device_health"}


def _listed(client, device_id: str) -> dict:  # noqa: ANN001
    r = client.get("/api/v1/devices", headers=login(client, "supervisor"))
    assert r.status_code == 200, r.text
    return next(d for d in r.json()["devices"] if d["id"] == device_id)


def test_faults_open_and_close_per_part_and_code(client, database) -> None:  # noqa: ANN001
    dispenser = Device(client, database, "dispenser", "一楼取号机")
    assert dispenser.report("printer_paper_out", part="printer")["status"] == "accepted"
    assert dispenser.report("printer_paper_out", part="printer")["status"] == "accepted"  # reported twice: once open
    dispenser.report("idcard_unplugged", part="idcard")
    row = dispenser.pulled_health()[dispenser.id]
    assert [(f["part"], f["code"]) for f in row["faults"]] == [("printer", "printer_paper_out"),
                                                              ("idcard", "idcard_unplugged")]
    assert (row["kind"], row["name"]) == ("dispenser", "一楼取号机")
    listed = _listed(client, dispenser.id)
    assert [f["code"] for f in listed["faults"]] == ["printer_paper_out", "idcard_unplugged"]
    assert (listed["app_version"], listed["outbox_pending"]) == ("0.1.0", 4)  # as it said at its pull
    assert listed["last_seen_at"] is not None

    dispenser.report("printer_paper_out", part="printer", recovered=True)
    assert [f["code"] for f in dispenser.pulled_health()[dispenser.id]["faults"]] == ["idcard_unplugged"]
    dispenser.report("", part="idcard", recovered=True)  # "" ends every fault of the part
    assert _listed(client, dispenser.id)["faults"] == []


def test_displays_and_controllers_report_and_only_for_themselves(client, database) -> None:  # noqa: ANN001
    controller = Device(client, database, "controller", "大厅控制器")
    display = Device(client, database, "display", "集中显示屏")
    assert controller.report("led_unreachable", part="w3", device=display.id)["status"] == "accepted"
    assert display.report("printer_offline")["status"] == "accepted"
    assert [f["part"] for f in _listed(client, controller.id)["faults"]] == ["w3"]  # the token's device
    assert [f["code"] for f in _listed(client, display.id)["faults"]] == ["printer_offline"]


def test_a_device_never_seen_is_listed_healthy_and_unseen(client, database) -> None:  # noqa: ANN001
    evaluator = Device(client, database, "evaluator", "评价器")
    listed = _listed(client, evaluator.id)
    assert (listed["faults"], listed["last_seen_at"], listed["app_version"], listed["outbox_pending"]) == (
        [], None, "", None)
    r = client.get("/api/v1/devices", headers=login(client, "supervisor"), params={"hall_id": evaluator.hall_id})
    assert r.status_code == 200  # naming one's own hall is fine
