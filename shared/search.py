"""Search keys for Chinese names: a clerk finds 特种设备使用登记 by typing 特种设备, tzsbsydj (initials),
tezhongshebei (full pinyin) or its code. Pure and fast: keys are built once, matching is substring search."""

from __future__ import annotations

from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

_IGNORED = set("（）()<>《》“”\"'、，, ·-_")


def _clean(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch not in _IGNORED and not ch.isspace())


@dataclass(frozen=True)
class SearchKey:
    text: str  # the name itself, cleaned
    initials: str  # 特种设备 → tzsb (non-Chinese characters kept as they are)
    pinyin: str  # 特种设备 → tezhongshebei
    code: str

    @classmethod
    def of(cls, name: str, code: str = "") -> SearchKey:
        cleaned = _clean(name)
        syllables = lazy_pinyin(cleaned, errors=lambda chars: list(chars))
        initials = "".join(s[0] for s in syllables if s)
        return cls(text=cleaned, initials=initials, pinyin="".join(syllables), code=_clean(code))

    def rank(self, query: str) -> int | None:
        """Lower is better; None when the query does not match at all."""
        q = _clean(query)
        if not q:
            return 50
        if q == self.code:
            return 0
        if self.text.startswith(q) or self.initials.startswith(q):
            return 1
        if self.code.startswith(q):
            return 2
        if q in self.text:
            return 3
        if q in self.initials:
            return 4
        if self.pinyin.startswith(q):
            return 5
        if q in self.pinyin:
            return 6
        return None


def search(entries: list[tuple[SearchKey, object]], query: str, limit: int = 50) -> list[object]:
    """The values whose keys match, best first (ties keep the given order)."""
    ranked = [(r, i, value) for i, (key, value) in enumerate(entries) if (r := key.rank(query)) is not None]
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [value for _, _, value in ranked[:limit]]
