"""How the kiosk sizes follow the screen: the fit factor and the business tiles per row (pure functions)."""

from __future__ import annotations

import pytest

from kiosk.widgets.theme import ELDERLY, NORMAL, fit_scale


@pytest.mark.parametrize(("size", "fit", "normal", "elderly"), [
    ((1080, 1920), 1.0, 2, 1),      # the 32" portrait dispenser it was drawn for
    ((1920, 1080), 1.0, 3, 2),      # the same panel lying down: same type, one more tile a row
    ((1280, 1024), 0.948, 2, 1),    # 5:4 — the tightest aspect: the short side no longer decides alone
    ((1366, 768), 0.711, 3, 2),
    ((2160, 3840), 2.0, 2, 1),      # a 4K portrait panel: everything twice as large
])
def test_dispenser_fit_and_tiles_per_row(size, fit, normal, elderly) -> None:  # noqa: ANN001
    assert fit_scale(*size, (1080, 1920)) == fit
    assert NORMAL.fitted(*size).columns == normal
    assert ELDERLY.fitted(*size).columns == elderly
    assert NORMAL.fitted(*size).px(100) == int(100 * fit)


def test_other_designs_and_bad_sizes() -> None:
    assert fit_scale(3840, 2160, (1920, 1080)) == 2.0    # the hall display in 4K
    assert fit_scale(800, 1280, (1280, 800)) == 1.0      # the evaluator tablet standing up
    with pytest.raises(ValueError, match="screen size must be positive, got 0x1080"):
        fit_scale(0, 1080, (1920, 1080))
