"""Ticket printer contract suite against the fake printer over TCP (network transport) and a pty (serial
transport); the file transport; `hardware` prints one ticket on the configured printer."""

from __future__ import annotations

import os

import pytest

from drivers.config import DeviceSettings, device_settings, load_config
from drivers.core.errors import (ConfigError, CoverOpen, DeviceTimeout, DeviceUnavailable, PaperOut,
                                 PrintIncomplete)
from drivers.printer.printer import TicketPrinter
from drivers.printer.render import render
from drivers.printer.transports import PrinterPort
from drivers.sim.printer import PrinterSimulator
from tests.drivers.conftest import wait_for
from tests.drivers.printer.test_render import TICKET


def _settings(host) -> DeviceSettings:
    if host.kind == "tcp":
        return DeviceSettings("printer", port=str(host.tcp_port), timeout=0.5,
                              options={"transport": "network", "host": "127.0.0.1"})
    return DeviceSettings("printer", port=host.port, baudrate=9600, timeout=0.5,
                          options={"transport": "serial"})


@pytest.fixture(params=["tcp", "pty"], ids=["network", "serial"])
def env(request, sim_host):
    sim = PrinterSimulator()
    host = sim_host(sim, request.param)
    printer = TicketPrinter(PrinterPort.from_settings(_settings(host)))
    yield printer, sim, host
    printer.close()


def test_ticket_is_printed_and_captured(env):
    printer, sim, _ = env
    result = printer.print_ticket(TICKET)
    assert result.printed and result.status_known and result.status.ready
    assert wait_for(lambda: bytes(sim.job) == render(TICKET))
    assert "A023" in sim.jobs_text() and "市民服务中心" in sim.jobs_text()


def test_status_query(env):
    printer, sim, _ = env
    sim.near_end = True
    status = printer.status()
    assert status.ready and status.paper_near_end


@pytest.mark.parametrize("attr,error", [("paper_out", PaperOut), ("cover_open", CoverOpen)])
def test_not_ready_printer_refuses_before_printing(env, attr, error):
    printer, sim, _ = env
    setattr(sim, attr, True)
    with pytest.raises(error):
        printer.print_ticket(TICKET)
    assert bytes(sim.job) == b""
    setattr(sim, attr, False)
    assert printer.print_ticket(TICKET).printed  # recovers once paper is loaded / cover closed


def test_paper_running_out_mid_ticket_means_reprint(env):
    printer, sim, _ = env
    sim.paper_left = 40
    with pytest.raises(PrintIncomplete) as info:
        printer.print_ticket(TICKET)
    assert info.value.details["cause"] == "paper_out" and info.value.code == "printer_print_incomplete"


def test_printer_not_answering_status_is_timeout(env):
    printer, sim, _ = env
    sim.silent = True
    with pytest.raises(DeviceTimeout):
        printer.print_ticket(TICKET)


def test_printer_gone_then_back(env):
    printer, sim, host = env
    printer.print_ticket(TICKET)
    host.drop()
    with pytest.raises((DeviceUnavailable, DeviceTimeout)):
        printer.print_ticket(TICKET)
    host.restore()
    if host.kind == "pty":
        printer.port = PrinterPort.from_settings(_settings(host))  # the serial device node came back
    assert printer.print_ticket(TICKET).printed


def test_network_printer_switched_off(sim_host):
    host = sim_host(PrinterSimulator(), "tcp")
    settings = _settings(host)
    host.stop()
    printer = TicketPrinter(PrinterPort.from_settings(settings))
    with pytest.raises(DeviceUnavailable) as info:
        printer.print_ticket(TICKET)
    assert info.value.code == "device_unavailable"


def test_file_transport_writes_bytes_without_status(tmp_path):
    path = tmp_path / "ticket.bin"
    settings = DeviceSettings("printer", options={"transport": "file", "path": str(path)})
    printer = TicketPrinter(PrinterPort.from_settings(settings))
    result = printer.print_ticket(TICKET)
    printer.close()
    assert result.printed and not result.status_known
    assert path.read_bytes() == render(TICKET)


def test_transport_selection_from_config_file(tmp_path):
    cfg = tmp_path / "devices.toml"
    cfg.write_text('[printer]\ntransport = "usb"\nvid = "0x0416"\npid = "0x5011"\n'
                   '[printer2]\ntransport = "carrier-pigeon"\n', encoding="utf-8")
    config = load_config(cfg)
    port = PrinterPort.from_settings(device_settings(config, "printer"))
    assert port.name == "usb" and port.can_read
    with pytest.raises(DeviceUnavailable):  # no such USB printer here
        port.open()
    with pytest.raises(ConfigError):
        PrinterPort.from_settings(config["printer2"])


@pytest.mark.hardware
def test_real_printer_prints_a_ticket():
    path = os.environ.get("GOVHALL_DEVICE_CONFIG")
    if not path:
        pytest.skip("set GOVHALL_DEVICE_CONFIG")
    printer = TicketPrinter(PrinterPort.from_settings(device_settings(load_config(path), "printer")))
    try:
        assert printer.print_ticket(TICKET).printed
    finally:
        printer.close()
