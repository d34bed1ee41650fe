"""大字体: the workstation's default comes from workstation.toml, the person at the desk toggles it in the header
and the choice is kept for the next start; the application font and the stylesheet's sizes grow with it."""

from __future__ import annotations

import pytest

from client.services.workstation import load_workstation
from client.widgets.type_size import LARGE_SCALE, BadDisplaySettings, TypeSize, apply_type_size
from tests.client.support import Clock, services, staff
from tests.gui.client_support import open_window


def test_the_workstation_file_sets_the_default_and_the_kept_choice_wins(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workstation.toml").write_text("[workstation]\nlarge_type = true\n", encoding="utf-8")
    default = load_workstation(tmp_path).large_type
    assert default is True and TypeSize.load(tmp_path, default).large is True
    TypeSize(False, tmp_path / "display.json").save()
    assert TypeSize.load(tmp_path, default).large is False


def test_bad_settings_are_named(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workstation.toml").write_text('[workstation]\nlarge_type = "yes"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="large_type must be true or false"):
        load_workstation(tmp_path)
    (tmp_path / "display.json").write_text('{"large_type": 1}', encoding="utf-8")
    with pytest.raises(BadDisplaySettings, match="large_type must be true or false, found 1"):
        TypeSize.load(tmp_path)
    (tmp_path / "display.json").write_text("[", encoding="utf-8")
    with pytest.raises(BadDisplaySettings, match="not a JSON object"):
        TypeSize.load(tmp_path)


def test_the_header_switch_scales_the_font_and_is_kept(qtbot, qapp, tmp_path) -> None:  # noqa: ANN001
    s = services(tmp_path, staff(), Clock())
    size = TypeSize.load(tmp_path / "prefs")
    apply_type_size(size)
    normal = qapp.font().pointSizeF()
    window, ops, _ = open_window(qtbot, s)
    window.type_size = size
    try:
        title = window.findChild(type(window.device_state), "title")
        title_before = title.font().pointSizeF()
        window.large_type.trigger()  # the header's 大字体 button
        assert qapp.font().pointSizeF() == pytest.approx(normal * LARGE_SCALE)
        assert title.font().pointSizeF() == pytest.approx(title_before * LARGE_SCALE, abs=0.1)
        assert TypeSize.load(tmp_path / "prefs").large is True
        window.large_type.trigger()
        assert qapp.font().pointSizeF() == pytest.approx(normal)
        assert TypeSize.load(tmp_path / "prefs").large is False
    finally:
        apply_type_size(TypeSize(False))
