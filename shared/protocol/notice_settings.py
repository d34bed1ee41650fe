"""Wire schemas of a hall's notice settings (文书设置, shared/notices/settings.py): the admin reads and saves
them, and previews a notice rendered with a draft before saving. The seal travels as base64 PNG."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shared.protocol.base import Request, Response

SEAL_B64_MAX = 700_000  # 512 KiB of PNG as base64, with room to spare; the PNG limit is checked decoded


class NoticeSettingsIn(Request):
    office_name: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=500)
    review_authority: str = Field(default="", max_length=500)
    court: str = Field(default="", max_length=500)
    remedies: str = Field(default="", max_length=500)
    seal_png: str = Field(default="", max_length=SEAL_B64_MAX)  # base64; "" = no seal image
    templates: dict[str, dict] = Field(default_factory=dict)


class NoticeSettingsOut(Response):
    office_name: str
    phone: str
    review_authority: str
    court: str
    remedies: str
    seal_png: str
    templates: dict[str, dict]
    hall_id: int
    centre_code: str
    hall_code: str
    default_office_name: str      # what an empty office_name prints (the centre's and hall's names)
    stored: bool                  # False: the packaged defaults (office_settings.json), nothing saved yet
    updated_by: str = ""
    updated_at: dt.datetime | None = None
