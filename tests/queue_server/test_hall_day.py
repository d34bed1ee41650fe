"""The whole-day simulation (bench/hall_day.py) in small: two seeds, every check must pass."""

from __future__ import annotations

import pytest

from bench import hall_day


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.soak)])
def test_a_small_hall_day_passes_every_check(seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    status = hall_day.main(["--seed", str(seed), "--tickets", "60", "--windows", "10", "--kiosks", "3",
                            "--offline-minutes", "40"])
    out = capsys.readouterr().out
    assert status == 0, out
    last = out.strip().splitlines()[-1]
    assert last.startswith("VERDICT PASS"), out
