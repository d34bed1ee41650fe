"""Pure playlist builder for call announcements: "请 A 零 二 三 号 到 3 号窗口办理".

Ticket numbers are spelled character by character (023 would otherwise be read as a quantity); window numbers
are read as numbers (3 → 三, 12 → 十二). Each item is a Clip: a stable ASCII key naming the pre-rendered
audio file, and the Chinese text a speech engine reads when the clip is missing."""

from __future__ import annotations

from dataclasses import dataclass

DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Clip:
    key: str
    text: str


WORDS = {"qing": "请", "hao": "号", "dao": "到", "hao_chuangkou": "号窗口", "banli": "办理", "shi": "十",
         "bai": "百", "chongfu": "重复"}


def word(key: str) -> Clip:
    return Clip(key, WORDS[key])


def digit(d: int) -> Clip:
    return Clip(f"digit_{d}", DIGITS[d])


def letter(ch: str) -> Clip:
    return Clip(f"letter_{ch.lower()}", ch.upper())


def spell(text: str) -> list[Clip]:
    """Character by character: letters as letters, digits as 零…九."""
    out = []
    for ch in text.strip().upper():
        if "0" <= ch <= "9":
            out.append(digit(int(ch)))
        elif "A" <= ch <= "Z":
            out.append(letter(ch))
        else:
            raise ValueError(f"cannot announce character {ch!r}")
    return out


def number(n: int) -> list[Clip]:
    """Mandarin reading of 1–999 (十二, 二十, 一百零五, 一百一十)."""
    if not 1 <= n <= 999:
        raise ValueError("window numbers are announced from 1 to 999")
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    out: list[Clip] = []
    if hundreds:
        out += [digit(hundreds), word("bai")]
        if tens == 0 and ones:
            out.append(digit(0))
    if tens:
        if tens > 1 or hundreds:
            out.append(digit(tens))
        out.append(word("shi"))
    if ones:
        out.append(digit(ones))
    return out


def window_clips(window: str | int) -> list[Clip]:
    text = str(window).strip()
    if text.isdigit():
        return number(int(text))  # 1–999, anything else is a configuration mistake
    return spell(text)


def build_call_playlist(ticket: str, window: str | int, repeat: bool = False) -> list[Clip]:
    clips = [word("chongfu")] if repeat else []
    return clips + [word("qing"), *spell(ticket), word("hao"), word("dao"), *window_clips(window),
                    word("hao_chuangkou"), word("banli")]


def announcement_text(ticket: str, window: str | int) -> str:
    """What the hall display shows alongside the voice: 请 A 零 二 三 号 到 3 号窗口办理."""
    spelled = " ".join(c.text for c in spell(ticket))
    return f"请 {spelled} 号 到 {str(window).strip()} 号窗口办理"


def speech_text(playlist: list[Clip]) -> str:
    """The playlist as one string for a speech engine (fallback when clips are missing)."""
    return "".join(c.text for c in playlist)


def all_clip_keys() -> list[Clip]:
    """Every clip any announcement can need: render these at install or build time."""
    return ([Clip(k, v) for k, v in WORDS.items()] + [digit(d) for d in range(10)]
            + [letter(chr(c)) for c in range(ord("A"), ord("Z") + 1)])
