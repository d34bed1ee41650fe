"""Font discovery: the Simplified Chinese face of the Noto CJK collection, or a typed error naming where we
looked."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from shared.notices import FontNotFound
from shared.notices.fonts import default_fonts, find_fonts


def test_default_fonts_pick_the_simplified_chinese_faces() -> None:
    fonts = default_fonts()
    assert fonts.regular.path.name.endswith("Regular.ttc") and fonts.bold.path.name.endswith("Bold.ttc")
    assert fonts.regular.version.startswith("Version ")
    for face in (fonts.regular, fonts.bold):
        family = TTFont(face.path, fontNumber=face.index, lazy=True)["name"].getDebugName(1)
        assert family.endswith(" SC"), f"{family} is not the Simplified Chinese face"


def test_missing_fonts_raise_a_typed_error_naming_the_folders(tmp_path) -> None:
    with pytest.raises(FontNotFound) as e:
        find_fonts([tmp_path])
    assert e.value.code == "notice_font_not_found" and str(tmp_path) in e.value.searched[0]


def test_faces_shared_between_notices_give_the_bytes_of_a_fresh_add_font(monkeypatch, templates) -> None:
    from fpdf import FPDF

    from shared.notices import embedding, render_notice
    from tests.notices.conftest import sample_data

    data = sample_data()
    shared = [render_notice(data, templates[k]) for k in ("correction", "refusal_of_acceptance", "correction")]
    assert embedding._prototypes, "the faces were parsed once and kept"

    def fresh(pdf: FPDF, family: str, face) -> None:  # noqa: ANN001
        pdf.add_font(family, fname=str(face.path), collection_font_number=face.index)

    monkeypatch.setattr("shared.notices.pdf.add_face", fresh)
    # The second notice was made from faces the first one parsed: it must equal a fresh parse (one fresh render
    # is enough, each takes seconds of TrueType parsing).
    assert render_notice(data, templates["refusal_of_acceptance"]) == shared[1] and shared[2] == shared[0]
