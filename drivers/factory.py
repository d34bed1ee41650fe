"""Builds each driver from its config section (drivers/config.py), so screens only name the device."""

from __future__ import annotations

from drivers.config import DeviceSettings, serial_url
from drivers.core.transport import SerialLink


def _link(settings: DeviceSettings) -> SerialLink:
    return SerialLink(serial_url(settings), baudrate=settings.baudrate, device=settings.device)


def idcard_reader(settings: DeviceSettings):
    from drivers.idcard.reader import IdCardReader

    return IdCardReader(_link(settings), timeout=float(settings.get("timeout", 0.5)),
                        read_timeout=float(settings.get("read_timeout", 3.0)),
                        retries=settings.get_int("retries", 2))


def pcsc_reader(settings: DeviceSettings):
    from drivers.idcard.pcsc import PcscReader

    return PcscReader(str(settings.get("reader", "")))


def keypad_receiver(settings: DeviceSettings):
    from drivers.keypad.receiver import KeypadReceiver

    return KeypadReceiver(_link(settings), codec=keypad_protocol(settings))


def keypad_protocol(settings: DeviceSettings) -> str:
    """`[keypad] protocol` names the frame description: a shipped one (govhall-1, wireless-15key) or a
    description file's path; `codec` is its older name."""
    return str(settings.get("protocol") or settings.codec or "govhall-1")


def led_display(settings: DeviceSettings):
    from drivers.display.led import LedDisplay

    return LedDisplay(_link(settings), address=settings.get_int("address", 1),
                      escape=str(settings.get("escape", "true")).lower() in ("1", "true", "yes"),
                      encoding=settings.encoding or "gbk", timeout=settings.timeout,
                      width=settings.get_int("width", 64), height=settings.get_int("height", 16))


def line_scanner(settings: DeviceSettings):
    from drivers.scanner.line import LineScanner

    return LineScanner(_link(settings), encoding=settings.encoding or "utf-8")


def camera_scanner(settings: DeviceSettings):
    from drivers.scanner.camera import CameraScanner, make_decoder

    source = settings.get("source", 0)
    source = int(source) if str(source).isdigit() else str(source)
    return CameraScanner(source, make_decoder(str(settings.get("decoder", "auto"))))


def ticket_printer(settings: DeviceSettings):
    from drivers.printer.printer import TicketPrinter
    from drivers.printer.render import PrinterProfile
    from drivers.printer.transports import PrinterPort

    encoding = settings.encoding or "gb18030"
    profile = PrinterProfile(encoding=encoding, font_charset=str(settings.get("font_charset", encoding)),
                             cutter=str(settings.get("cutter", "partial")))
    return TicketPrinter(PrinterPort.from_settings(settings), profile)


def announcer_engine(settings: DeviceSettings):
    """Clips first (rendered into `clips_dir`), espeak-ng as the fallback; played with `player` (or written as
    WAV files into `record_dir`); `transcript` names a file that gets each spoken text as a line."""
    from drivers.tts.clips import ClipLibrary, default_cache_dir
    from drivers.tts.engines import (ClipEngine, CommandPlayer, EspeakEngine, FallbackEngine, FileSink,
                                      TranscriptEngine)

    player = (FileSink(settings.get("record_dir"), realtime=True) if settings.get("record_dir")
              else CommandPlayer(str(settings.get("player", "aplay -q -")).split()))
    library = ClipLibrary(settings.get("clips_dir") or default_cache_dir())
    voice = str(settings.get("voice", "cmn-latn-pinyin"))
    engine = FallbackEngine(ClipEngine(library, player), EspeakEngine(player, voice))
    return TranscriptEngine(engine, settings.get("transcript")) if settings.get("transcript") else engine
