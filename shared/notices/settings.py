"""A hall's notice settings: the issuing office's name, phone, the authorities its remedies name, the remedies
wording, the seal image and template overrides. The server keeps them per hall and publishes them to the hall
(table `notice_settings`), so a counter client working offline prints with exactly what the server prints with;
shared/notices/office_settings.json stays the default for a hall whose admin has set nothing.

No database, no network, no Qt: the server, the client and the admin's preview all build notices from this."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from typing import Any


from shared.notices.errors import NoticeError
from shared.notices.model import Office
from shared.notices.templates import TemplateSet, default_template_dicts

TABLE = "notice_settings"  # the published row, pk = hall id
SEAL_MAX_BYTES = 512 * 1024
SEAL_MIN_PX, SEAL_MAX_PX = 100, 2000
TEXT_MAX = 500
REMEDY_PLACEHOLDERS = ("{review_authority}", "{court}")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types with transparency of their own: grey + alpha, RGB + alpha (a tRNS chunk also counts).
ALPHA_COLOUR_TYPES = (4, 6)


class InvalidNoticeSettings(NoticeError):
    code = "notice_settings_invalid"

    def __init__(self, code: str, problem: str, **details: Any) -> None:
        super().__init__(problem, **details)
        self.code = code


@dataclass(frozen=True)
class NoticeSettings:
    office_name: str = ""        # "" = the centre's and hall's names, as the reference data has them
    phone: str = ""
    review_authority: str = ""   # 行政复议机关 named in every refusal
    court: str = ""              # 人民法院 for an administrative lawsuit
    remedies: str = ""           # the remedies paragraph of refusals; "" = the template's own wording
    seal_png: bytes | None = field(default=None, repr=False)
    templates: dict = field(default_factory=dict)  # template overrides, TemplateSet.for_office's shape

    # --- what a notice is made with ----------------------------------------------------------------------
    def office(self, base: Office) -> Office:
        return replace(base, name=self.office_name or base.name, phone=self.phone or base.phone,
                       review_authority=self.review_authority or base.review_authority,
                       court=self.court or base.court)

    def template_set(self) -> TemplateSet:
        return TemplateSet.for_office(self.template_overrides())

    def template_overrides(self) -> dict:
        """The office's overrides with the remedies wording put in place of every paragraph that names the
        review authority (refusals): the template checks still demand both authorities."""
        if not self.remedies:
            return self.templates
        out = json.loads(json.dumps(self.templates))
        merged = default_template_dicts()
        for tid, raw in self.templates.items():
            merged[tid] = {**merged.get(tid, {}), **(raw if isinstance(raw, Mapping) else {})}
        for tid, raw in merged.items():
            given = raw.get("blocks")
            if not isinstance(given, list):
                continue  # malformed: TemplateSet names the problem
            blocks = [dict(b, text=self.remedies) if isinstance(b, Mapping) and b.get("type") == "paragraph" and
                      "{review_authority}" in str(b.get("text", "")) else b for b in given]
            if blocks != given:
                out[tid] = {**out.get(tid, {}), "blocks": blocks}
        return out

    # --- the published row ----------------------------------------------------------------------------------
    def to_row(self, hall_id: int, updated_at: str = "") -> dict:
        row = {k: v for k, v in asdict(self).items() if k != "seal_png"}
        row.update(hall_id=hall_id, updated_at=updated_at,
                   seal_png=base64.b64encode(self.seal_png).decode("ascii") if self.seal_png else "")
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> NoticeSettings:
        seal = row.get("seal_png") or ""
        return cls(office_name=row.get("office_name", ""), phone=row.get("phone", ""),
                   review_authority=row.get("review_authority", ""), court=row.get("court", ""),
                   remedies=row.get("remedies", ""), seal_png=base64.b64decode(seal) if seal else None,
                   templates=dict(row.get("templates") or {}))

    def seal_digest(self) -> str | None:
        """What the audit records of the seal: its SHA-256, never the image."""
        return hashlib.sha256(self.seal_png).hexdigest() if self.seal_png else None


def packaged(centre_code: str = "", hall_code: str = "") -> NoticeSettings:
    """The default from office_settings.json: the centre's entry, then the hall's."""
    raw = json.loads(resources.files("shared.notices").joinpath("office_settings.json").read_text("utf-8"))
    merged = {**raw.get(centre_code, {}), **raw.get(hall_code, {})} if centre_code or hall_code else {}
    return NoticeSettings(phone=merged.get("phone", ""), review_authority=merged.get("review_authority", ""),
                          court=merged.get("court", ""))


def check(settings: NoticeSettings) -> NoticeSettings:
    """Refuse settings that would fail at the counter: over-long texts, a remedies wording without both
    authorities, template overrides that do not build, a seal that is not a transparent PNG of sane size."""
    for name in ("office_name", "phone", "review_authority", "court", "remedies"):
        value = getattr(settings, name)
        if len(value) > TEXT_MAX or any(ord(c) < 32 for c in value):
            raise InvalidNoticeSettings("notice_text_invalid", f"{name}: at most {TEXT_MAX} characters, one line",
                                        field=name)
    if settings.remedies and not all(p in settings.remedies for p in REMEDY_PLACEHOLDERS):
        raise InvalidNoticeSettings("notice_remedies_incomplete", "the remedies must name {review_authority} "
                                    "and {court}", field="remedies")
    try:
        TemplateSet.for_office(settings.templates)  # the office's own overrides first, then with the remedies
        settings.template_set()
    except (NoticeError, TypeError, ValueError, KeyError, AttributeError) as exc:  # any malformed override
        raise InvalidNoticeSettings("notice_template_invalid", str(exc), field="templates") from None
    if settings.seal_png is not None:
        check_seal(settings.seal_png)
    return settings


def check_seal(png: bytes) -> tuple[int, int]:
    """A PNG with transparency (so the text under the seal shows through), within size limits: (w, h)."""
    if len(png) > SEAL_MAX_BYTES:
        raise InvalidNoticeSettings("seal_too_large", f"the seal image is over {SEAL_MAX_BYTES // 1024} KiB",
                                    size=len(png))
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise InvalidNoticeSettings("seal_not_png", "the seal must be a PNG image")
    width, height, _, colour = struct.unpack(">IIBB", png[16:26])
    if not (SEAL_MIN_PX <= width <= SEAL_MAX_PX and SEAL_MIN_PX <= height <= SEAL_MAX_PX):
        raise InvalidNoticeSettings("seal_size", f"the seal must be {SEAL_MIN_PX}–{SEAL_MAX_PX} pixels a side",
                                    width=width, height=height)
    if colour not in ALPHA_COLOUR_TYPES and b"tRNS" not in png:
        raise InvalidNoticeSettings("seal_not_transparent", "the seal PNG needs a transparent background")
    from PIL import Image  # only when a seal is saved: the serving process does not load Pillow otherwise
    try:  # decoded in full now, so a damaged file is refused here and never fails a notice at the counter
        with Image.open(io.BytesIO(png)) as image:
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidNoticeSettings("seal_not_png", f"the seal PNG cannot be read: {exc}") from None
    return width, height
