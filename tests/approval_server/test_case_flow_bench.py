"""The case-flow bench, small, for two seeds: offline and online devices, valid and invalid actions; every
check of bench/case_checks.py must pass."""

from __future__ import annotations

import pytest

from bench import case_flow


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.soak)])
def test_case_flow_small(seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert case_flow.main(["--seed", str(seed), "--cases", "16"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith(f"verdict: PASS seed={seed}"), "\n".join(out)
    assert "stale_command=" in out[1]  # offline devices did make stale commands, and were told
    assert any(line.startswith("snapshot ") for line in out)  # open cases were recounted mid-run
    assert int(out[-1].split("open_recounted=")[1].split()[0]) > 0
