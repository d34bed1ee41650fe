"""Chinese line breaking: any character boundary, but closing punctuation never starts a line, opening
punctuation never ends one, and Latin runs (numbers, codes) stay whole when they fit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.notices.linebreak import NO_LINE_END, NO_LINE_START, break_lines


def width(text: str) -> float:  # CJK one unit, Latin half, like a real font
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def test_breaks_between_chinese_characters() -> None:
    assert break_lines("申请材料齐全符合法定形式", 4, width) == ["申请材料", "齐全符合", "法定形式"]


def test_closing_punctuation_carries_the_previous_character_down() -> None:
    assert break_lines("申请材料齐，全部", 5, width) == ["申请材料", "齐，全部"]


def test_opening_punctuation_moves_to_the_next_line() -> None:
    assert break_lines("依照法律《行政许可法》", 5, width) == ["依照法律", "《行政许可", "法》"]


def test_latin_run_is_kept_whole() -> None:
    assert break_lines("编号DG2026", 4, width) == ["编号", "DG2026"]


def test_latin_run_longer_than_a_line_is_split() -> None:
    lines = break_lines("ABCDEFGHIJKL", 3, width)
    assert "".join(lines) == "ABCDEFGHIJKL" and all(width(line) <= 3 for line in lines)


PUNCT = sorted(NO_LINE_START & set("，。、）》”") | NO_LINE_END & set("（《“"))
words = st.lists(st.tuples(st.text(alphabet="申请材料齐全符合法定形式", min_size=2, max_size=6),
                           st.sampled_from(PUNCT)), max_size=12)


@given(words, st.integers(4, 12))
def test_rules_hold_when_punctuation_stands_between_words(pairs: list[tuple[str, str]], limit: int) -> None:
    text = "".join(w + p if p in NO_LINE_START else p + w for w, p in pairs)
    lines = break_lines(text, limit, width)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines[1:])
    assert all(line[-1] not in NO_LINE_END for line in lines[:-1])
    assert all(width(line) <= limit for line in lines)


@given(st.text(alphabet="申请材料，。、（）《》“”ABC123 ", max_size=80), st.integers(3, 12))
def test_never_loses_text_and_overflows_by_one_hanging_mark_at_most(text: str, limit: int) -> None:
    lines = break_lines(text, limit, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width(line) <= limit or line[-1] in NO_LINE_START and width(line[:-1]) <= limit for line in lines)
