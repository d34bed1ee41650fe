"""Typed errors of the notices package. Codes are stable: the UI and the server's error envelope key their
Chinese messages on them. A notice is either complete or not produced at all."""

from __future__ import annotations

from collections.abc import Iterable

from shared.errors import DomainError


class NoticeError(DomainError):
    code = "notice_error"


class MissingPlaceholder(NoticeError):
    """The template needs values the data does not have; `names` lists all of them, not only the first."""

    code = "notice_missing_placeholder"

    def __init__(self, template_id: str, names: Iterable[str]) -> None:
        self.names = tuple(sorted(set(names)))
        super().__init__(f"notice template {template_id!r} needs values for: {', '.join(self.names)}",
                         template=template_id, names=list(self.names))


class EmptyList(NoticeError):
    """A list the notice exists to show (the corrections of a 补正 notice, the materials of a receipt) is empty."""

    code = "notice_empty_list"

    def __init__(self, template_id: str, source: str) -> None:
        self.source = source
        super().__init__(f"notice template {template_id!r} lists {source!r}, which is empty",
                         template=template_id, source=source)


class InvalidTemplate(NoticeError):
    """A template (shipped or an office's override) is malformed or names an unknown placeholder."""

    code = "notice_invalid_template"

    def __init__(self, template_id: str, problem: str) -> None:
        super().__init__(f"notice template {template_id!r}: {problem}", template=template_id, problem=problem)


class TemplateIncomplete(NoticeError):
    """An office's template leaves out content the law requires for its kind (e.g. the remedies of a refusal)."""

    code = "notice_template_incomplete"

    def __init__(self, template_id: str, missing: Iterable[str]) -> None:
        self.missing = tuple(sorted(set(missing)))
        super().__init__(f"notice template {template_id!r} must show: {', '.join(self.missing)}",
                         template=template_id, missing=list(self.missing))


class UnknownTemplate(NoticeError):
    code = "notice_unknown_template"

    def __init__(self, template_id: str) -> None:
        super().__init__(f"no notice template {template_id!r}", template=template_id)


class InvalidNoticeData(NoticeError):
    """A value in NoticeData is unusable; `field` names it. (Invalid ID numbers and USCCs raise
    shared.validation.InvalidIdentifier instead, with its own codes.)"""

    code = "notice_invalid_data"

    def __init__(self, field: str, problem: str, *, code: str | None = None) -> None:
        self.field = field
        super().__init__(f"notice data {field}: {problem}", code=code, field=field)


class WeakVerificationToken(InvalidNoticeData):
    """The QR code must carry an unguessable token, never something derived from the case number."""

    code = "notice_weak_verification_token"

    def __init__(self, problem: str) -> None:
        super().__init__("verification_token", problem, code=self.code)


class UnprintableCharacter(NoticeError):
    """The notice font has no glyph for these characters (a rare 生僻字 in a name, say): a box would be printed
    instead, so no notice is produced; the characters are named so staff can escalate."""

    code = "notice_unprintable_character"

    def __init__(self, characters: Iterable[str]) -> None:
        self.characters = tuple(sorted(set(characters)))
        codes = ", ".join(f"U+{ord(c):04X}" for c in self.characters)
        super().__init__(f"the notice font cannot print {codes}", characters=list(self.characters))


class FontNotFound(NoticeError):
    code = "notice_font_not_found"

    def __init__(self, searched: Iterable[str]) -> None:
        self.searched = tuple(searched)
        super().__init__("no Chinese font for notices; install the Debian package fonts-noto-cjk "
                         f"(searched: {', '.join(self.searched)})", searched=list(self.searched))
