"""Simulated GA 467 ID card reader: answers find/select/read with real frames and scenario faults.

Scenarios: no card, a card that must be lifted and presented again after each read, corrupted answers
(bad checksum), garbage before answers, silent (no answer), slow reads, and any SW3 status on read."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from drivers.core.errors import DeviceError
from drivers.idcard import ga467
from drivers.idcard.records import build_text_block
from shared.validation import resident_id_check_character


def sample_id_number(first17: str = "11010119900307123") -> str:
    return first17 + resident_id_check_character(first17)


def sample_resident_fields(valid_to: str = "20350101") -> dict[str, str]:
    return {"name": "王小明", "sex": "1", "nation": "01", "birth": "19900307",
            "address": "北京市东城区正义路1号", "id_number": sample_id_number(),
            "authority": "北京市公安局东城分局", "valid_from": "20150101", "valid_to": valid_to}


def sample_photo() -> bytes:
    # Shaped like a WLT blob (the real format is proprietary); the driver must pass it through untouched.
    return (b"WLf\x00~2" + bytes(range(256)) * 4)[:1024]


@dataclass
class SimCard:
    text_block: bytes
    photo: bytes = field(default_factory=sample_photo)


def sample_card(card_type: str = "", **overrides: str) -> SimCard:
    if card_type == "I":
        fields = {"name_en": "SMITH JOHN", "sex": "1", "id_number": "USA110090010112", "nationality": "USA",
                  "name": "史密斯", "valid_from": "20200101", "valid_to": "20300101", "birth": "19800101",
                  "version": "01", "authority_code": "1100"}
    else:
        fields = sample_resident_fields()
        if card_type == "J":
            fields.update(nation="", id_number=sample_id_number("81000019900101123"),
                          pass_number="H12345678", issue_count="01")
    fields.update(overrides)
    return SimCard(build_text_block(fields, card_type))


@dataclass
class IdCardScenario:
    card_present: bool = True
    represent_after: float | None = None  # seconds until a read card counts as lifted and presented again
    read_status: int = ga467.SW3_OK  # e.g. 0x41 read failed, 0x31 auth failed, 0x40 wrong card
    corrupt_answers: int = 0  # the next N answers get a wrong checksum
    garbage_before: bytes = b""  # sent before every answer
    silent: int = 0  # the next N requests get no answer at all
    read_delay: float = 0.0
    find_delay: float = 0.0
    sam_status: int = ga467.SW3_OK


class IdCardSimulator:
    """Device model for `SimHost`. Thread-safe: tests change the scenario while the host thread runs."""

    def __init__(self, card: SimCard | None = None, scenario: IdCardScenario | None = None) -> None:
        self.card = card or sample_card()
        self.scenario = scenario or IdCardScenario()
        self.parser = ga467.Ga467Parser(min_body=2)
        self.commands: list[tuple[int, int]] = []
        self.reads = 0
        self._halted_until: float | None = None  # card read and not yet lifted
        self._selected = False
        self._lock = threading.Lock()

    # --- test controls ------------------------------------------------------------------------------
    def present(self, card: SimCard | None = None) -> None:
        with self._lock:
            if card is not None:
                self.card = card
            self.scenario.card_present = True
            self._halted_until = None

    def remove(self) -> None:
        with self._lock:
            self.scenario.card_present = False
            self._halted_until = None
            self._selected = False

    def lift_and_present(self) -> None:
        self.present()

    # --- wire -------------------------------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        out = bytearray()
        for item in self.parser.feed(data):
            if isinstance(item, DeviceError):
                code = 0x10 if item.code == "checksum_error" else 0x11
                out += self._answer(ga467.build_response(code))
                continue
            out += self._handle(ga467.decode_request(item))
        return bytes(out)

    def _answer(self, frame: bytes) -> bytes:
        with self._lock:
            sc = self.scenario
            if sc.silent:
                sc.silent -= 1
                return b""
            if sc.corrupt_answers:
                sc.corrupt_answers -= 1
                frame = frame[:-1] + bytes(((frame[-1] ^ 0x5A),))
            return sc.garbage_before + frame

    def _handle(self, req: ga467.Request) -> bytes:
        self.commands.append(req.command)
        sc = self.scenario
        if req.command in (ga467.SAM_STATUS, ga467.SAM_RESET):
            return self._answer(ga467.build_response(sc.sam_status))
        if req.command == ga467.SAM_ID:
            return self._answer(ga467.build_response(ga467.SW3_OK, bytes(range(16))))
        if req.command == ga467.FIND_CARD:
            time.sleep(sc.find_delay)
            return self._answer(ga467.build_response(ga467.SW3_FIND_OK if self._card_findable() else 0x80))
        if req.command == ga467.SELECT_CARD:
            ok = self._card_findable()
            self._selected = ok
            return self._answer(ga467.build_response(ga467.SW3_OK if ok else 0x81))
        if req.command in (ga467.READ_TEXT_PHOTO, ga467.READ_TEXT_PHOTO_FP):
            return self._answer(self._read(req.command == ga467.READ_TEXT_PHOTO_FP))
        return self._answer(ga467.build_response(0x21))

    def _card_findable(self) -> bool:
        with self._lock:
            if not self.scenario.card_present:
                return False
            if self._halted_until is not None:
                if time.monotonic() < self._halted_until:
                    return False
                self._halted_until = None
            return True

    def _read(self, with_fp: bool) -> bytes:
        time.sleep(self.scenario.read_delay)
        if not (self.scenario.card_present and self._selected):
            return ga467.build_response(0x41 if self.scenario.card_present else 0x80)
        if self.scenario.read_status != ga467.SW3_OK:
            return ga467.build_response(self.scenario.read_status)
        self._selected = False
        self.reads += 1
        after = self.scenario.represent_after
        self._halted_until = time.monotonic() + (after if after is not None else float("inf"))
        fp = bytes(1024) if with_fp else None
        payload = ga467.build_read_payload(self.card.text_block, self.card.photo, fp)
        return ga467.build_response(ga467.SW3_OK, payload)
