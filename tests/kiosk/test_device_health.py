"""A kiosk's devices report their own faults: an ID card reader unplugged and plugged back becomes a
`device_fault` and a `device_recovered` fact in the kiosk's outbox (sent when it syncs; offline here), each
once however often the device loop retries; the supervisor's client names the fault in Chinese."""

from __future__ import annotations

from sqlalchemy import select

from drivers.config import settings_from_mapping
from drivers.factory import idcard_reader
from drivers.qt.devices import IdCardReaderAdapter
from drivers.sim.idcard import IdCardScenario, IdCardSimulator, sample_card
from gui.device_health import HealthReporter
from gui.ops import Ops
from shared.sync.client import SyncClient
from shared.sync.tables import outbox
from tests.drivers.conftest import sim_host  # noqa: F401  (a fixture)
from tests.kiosk.conftest import MONDAY_10, Network


def _facts(sync: SyncClient) -> list[tuple[str, str, str]]:
    with sync.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.args).where(outbox.c.name == "fact.record").order_by(outbox.c.seq))
        return [(a["kind"], a["body"]["part"], a["body"]["code"]) for (a,) in rows]


def test_an_unplugged_id_reader_is_a_fault_until_it_is_back(qtbot, cache, sim_host, dead_url) -> None:  # noqa: ANN001, F811
    sync = SyncClient(cache, device_id="kiosk-1", token="t", transport=Network(dead_url))
    host = sim_host(IdCardSimulator(sample_card(), IdCardScenario(card_present=False)), "pty")
    reader = IdCardReaderAdapter(idcard_reader(settings_from_mapping("idcard", {"port": host.url, "timeout": 0.2})),
                                 retry_delay=0.1)
    ops = Ops()
    health = HealthReporter(sync, ops, lambda: MONDAY_10)
    health.watch(reader, "idcard")
    reader.start()
    try:
        qtbot.wait(400)
        assert _facts(sync) == []  # polling an empty reader is no fault
        host.drop()  # the USB cable is pulled
        qtbot.waitUntil(lambda: _facts(sync) == [("device_fault", "idcard", "device_unavailable")], timeout=5000)
        qtbot.wait(500)  # the loop keeps retrying: still one fault
        assert len(_facts(sync)) == 1
        host.restore()
        qtbot.waitUntil(lambda: len(_facts(sync)) == 2, timeout=5000)
        assert _facts(sync)[1] == ("device_recovered", "idcard", "device_unavailable")
    finally:
        reader.stop()
        ops.wait()


def test_the_fault_texts_staff_read() -> None:
    from client.services.device_health import Fault
    from client.widgets.device_alerts import fault_text

    def fault(part: str, code: str, kind: str = "dispenser", name: str = "一楼取号机") -> Fault:
        return Fault("d1", name, kind, None, part, code, "2026-11-23T10:00:00+08:00")

    assert fault_text(fault("printer", "printer_paper_out")) == "一楼取号机：打印机缺纸"
    assert fault_text(fault("idcard", "device_unavailable")) == "一楼取号机：身份证阅读器未连接"
    assert fault_text(fault("w3", "led_unreachable", "controller", "")) == "大厅控制器：LED屏无法连接（w3）"
    assert fault_text(fault("scanner", "something_new")) == "一楼取号机：扫码器故障（something_new）"
