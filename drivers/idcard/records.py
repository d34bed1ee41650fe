"""The 256-byte text block of an ID card (UTF-16LE, space padded), decoded into typed records.

Byte layout of a resident card (居民身份证): name 0/30, sex 30/2, nation 32/4, birth 36/16, address 52/70,
ID number 122/36, authority 158/30, valid from 188/16, valid to 204/16 (date or 长期), reserved 220/36.
Byte 248 holds the card type: "I" foreigner permanent residence card (外国人永久居留身份证, own layout below),
"J" Hong Kong/Macau/Taiwan residence permit (港澳台居民居住证: resident layout plus pass number 220/18 and
issue count 238/4); a space means a resident card.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drivers.idcard.errors import CardDataError
from drivers.idcard.nations import NATIONS
from shared.validation import InvalidIdentifier, check_resident_id

TEXT_BLOCK_SIZE = 256
LONG_TERM = "长期"
SEXES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

RESIDENT_FIELDS = {"name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
                   "id_number": (122, 36), "authority": (158, 30), "valid_from": (188, 16),
                   "valid_to": (204, 16)}
PERMIT_FIELDS = {**RESIDENT_FIELDS, "pass_number": (220, 18), "issue_count": (238, 4)}
FOREIGNER_FIELDS = {"name_en": (0, 120), "sex": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
                    "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth": (220, 16),
                    "version": (236, 4), "authority_code": (240, 8)}
CARD_TYPE_AT = (248, 2)


@dataclass(frozen=True)
class ResidentCardRecord:
    """居民身份证. `sex` and `nation` as printed on the card (男, 汉); the codes are kept too."""

    name: str
    sex: str
    nation: str
    birth: dt.date
    address: str
    id_number: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date | None  # None = 长期 (no expiry)
    sex_code: str = ""
    nation_code: str = ""
    card_type: str = "resident"


@dataclass(frozen=True)
class ResidencePermitRecord(ResidentCardRecord):
    """港澳台居民居住证: a resident-style record plus the HK/Macau/Taiwan pass number and issue count."""

    pass_number: str = ""
    issue_count: int = 0
    card_type: str = "hk_macau_taiwan_permit"


@dataclass(frozen=True)
class ForeignerCardRecord:
    """外国人永久居留身份证. `id_number` is the 15-character permit number; `nation` the ISO nationality code."""

    name: str
    name_en: str
    sex: str
    nation: str
    birth: dt.date
    id_number: str
    valid_from: dt.date
    valid_to: dt.date | None
    authority: str  # issuing authority code
    version: str
    sex_code: str = ""
    address: str = ""
    card_type: str = "foreigner_permanent_residence"


CardRecord = ResidentCardRecord | ResidencePermitRecord | ForeignerCardRecord


def _field(block: bytes, at: tuple[int, int]) -> str:
    start, size = at
    try:
        return block[start:start + size].decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError:
        raise CardDataError(f"text block bytes {start}..{start + size} are not UTF-16", device="idcard",
                            offset=start) from None


def _date(text: str, what: str, allow_long_term: bool = False) -> dt.date | None:
    if allow_long_term and text == LONG_TERM:
        return None
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise CardDataError(f"{what} {text!r} is not a YYYYMMDD date", device="idcard", field=what) from None


def _sex(code: str) -> str:
    if code not in SEXES:
        raise CardDataError(f"unknown sex code {code!r}", device="idcard", field="sex")
    return SEXES[code]


def card_type_marker(block: bytes) -> str:
    return _field(block, CARD_TYPE_AT).strip()


def parse_text_block(block: bytes) -> CardRecord:
    """Decode a 256-byte text block; raise CardDataError (code idcard_bad_data) when it is not valid."""
    if len(block) != TEXT_BLOCK_SIZE:
        raise CardDataError(f"text block must be {TEXT_BLOCK_SIZE} bytes, got {len(block)}", device="idcard")
    marker = card_type_marker(block)
    if marker == "I":
        return _parse_foreigner(block)
    f = {k: _field(block, at) for k, at in (PERMIT_FIELDS if marker == "J" else RESIDENT_FIELDS).items()}
    if marker not in ("", "J"):
        raise CardDataError(f"unknown card type marker {marker!r}", device="idcard", field="card_type")
    nation = NATIONS.get(f["nation"], "") if marker == "" else ""
    if marker == "" and not nation:
        raise CardDataError(f"unknown nation code {f['nation']!r}", device="idcard", field="nation")
    try:
        id_number = check_resident_id(f["id_number"]).number
    except InvalidIdentifier as exc:
        raise CardDataError(f"ID number on the card is invalid: {exc.message}", device="idcard",
                            field="id_number", reason=exc.code) from None
    common = dict(name=f["name"], sex=_sex(f["sex"]), nation=nation, birth=_date(f["birth"], "birth"),
                  address=f["address"], id_number=id_number, authority=f["authority"],
                  valid_from=_date(f["valid_from"], "valid_from"),
                  valid_to=_date(f["valid_to"], "valid_to", allow_long_term=True),
                  sex_code=f["sex"], nation_code=f["nation"])
    if marker == "J":
        count = f["issue_count"]
        return ResidencePermitRecord(**common, pass_number=f["pass_number"],
                                     issue_count=int(count) if count.isdigit() else 0)
    return ResidentCardRecord(**common)


def _parse_foreigner(block: bytes) -> ForeignerCardRecord:
    f = {k: _field(block, at) for k, at in FOREIGNER_FIELDS.items()}
    if len(f["id_number"]) != 15:
        raise CardDataError("permit number must have 15 characters", device="idcard", field="id_number")
    return ForeignerCardRecord(name=f["name"], name_en=f["name_en"], sex=_sex(f["sex"]),
                               nation=f["nationality"],
                               birth=_date(f["birth"], "birth"), id_number=f["id_number"],
                               valid_from=_date(f["valid_from"], "valid_from"),
                               valid_to=_date(f["valid_to"], "valid_to", allow_long_term=True),
                               authority=f["authority_code"], version=f["version"], sex_code=f["sex"])


def build_text_block(fields: dict[str, str], card_type: str = "") -> bytes:
    """Encode raw field strings into a 256-byte block (simulator and tests). `card_type` is "", "I" or "J"."""
    layout = {"I": FOREIGNER_FIELDS, "J": PERMIT_FIELDS}.get(card_type, RESIDENT_FIELDS)
    block = bytearray(" ".encode("utf-16-le") * (TEXT_BLOCK_SIZE // 2))
    for key, value in fields.items():
        start, size = layout[key]
        raw = value.encode("utf-16-le")[:size]
        block[start:start + len(raw)] = raw
    if card_type:
        block[248:250] = card_type.encode("utf-16-le")
    return bytes(block)
