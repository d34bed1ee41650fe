"""One config file naming simulators on ptys/ports builds working drivers."""

from __future__ import annotations

import datetime as dt

import pytest

from drivers import factory
from drivers.config import load_config
from drivers.keypad.codec import Key
from drivers.printer.ticket import Ticket
from drivers.sim.idcard import IdCardSimulator
from drivers.sim.keypad import KeypadSimulator
from drivers.sim.led import LedSimulator
from drivers.sim.printer import PrinterSimulator
from drivers.sim.scanner import ScannerSimulator
from tests.drivers.conftest import wait_for


def test_devices_from_config_file(tmp_path, sim_host):
    idcard = sim_host(IdCardSimulator(), "pty")
    keypad_sim = KeypadSimulator(address=2)
    keypad = sim_host(keypad_sim, "tcp")
    led_sim = LedSimulator(address=5)
    led = sim_host(led_sim, "pty")
    printer_sim = PrinterSimulator()
    printer = sim_host(printer_sim, "tcp")
    scanner_sim = ScannerSimulator()
    scanner = sim_host(scanner_sim, "pty")
    cfg = tmp_path / "devices.toml"
    cfg.write_text(f"""
[idcard]
port = "{idcard.port}"
baudrate = 115200
[keypad]
host = "127.0.0.1"
tcp_port = {keypad.tcp_port}
codec = "govhall-1"
[led]
port = "{led.port}"
address = 5
timeout = 0.5
[printer]
transport = "network"
host = "127.0.0.1"
port = {printer.tcp_port}
timeout = 1.0
encoding = "gb18030"
font_charset = "gb2312"
[scanner]
port = "{scanner.port}"
baudrate = 9600
[tts]
record_dir = "{tmp_path / 'rec'}"
""", encoding="utf-8")
    config = load_config(cfg)

    reader = factory.idcard_reader(config["idcard"])
    assert reader.read_card().record.name == "王小明"
    reader.close()

    receiver = factory.keypad_receiver(config["keypad"])
    receiver.link.open()
    keypad_sim_ready = wait_for(lambda: keypad._conn is not None, 2)
    keypad_sim.press(Key.HOLD)
    events = []
    assert keypad_sim_ready and wait_for(lambda: bool(events.extend(receiver.poll(0.05))) or events, 3)
    assert events[0].key == Key.HOLD and events[0].address == 2
    receiver.close()

    display = factory.led_display(config["led"])
    display.show("请A023号到3号窗口")
    assert led_sim.texts[0] == "请A023号到3号窗口"
    display.close()

    tp = factory.ticket_printer(config["printer"])
    assert tp.profile.font_charset == "gb2312"
    assert tp.print_ticket(Ticket("市民中心", "A9", "户籍", 1, dt.datetime(2026, 1, 2, 8, 0))).printed
    tp.close()

    line = factory.line_scanner(config["scanner"])
    line.link.open()
    scanner_sim.scan("QR-CONFIG")
    codes = []
    assert wait_for(lambda: bool(codes.extend(line.poll(0.05))) or codes, 3) and codes == ["QR-CONFIG"]
    line.close()

    engine = factory.announcer_engine(config["tts"])
    assert type(engine).__name__ == "FallbackEngine"


def test_keypad_protocol_setting_names_the_description(tmp_path):
    from drivers.config import settings_from_mapping
    from drivers.core.errors import ConfigError

    assert factory.keypad_protocol(settings_from_mapping("keypad", {"port": "loop://"})) == "govhall-1"
    assert factory.keypad_protocol(settings_from_mapping("keypad", {"codec": "govhall-1"})) == "govhall-1"
    vendor = factory.keypad_receiver(settings_from_mapping("keypad", {"port": "loop://",
                                                                      "protocol": "wireless-15key"}))
    assert vendor.codec.name == "wireless-15key"
    vendor.close()
    with pytest.raises(ConfigError, match="acme"):
        factory.keypad_receiver(settings_from_mapping("keypad", {"port": "loop://", "protocol": "acme"}))
