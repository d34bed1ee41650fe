"""Seeded random runs of the simulated hall. A failure prints its seed; replay one with
`GOVHALL_SYNC_SEED=<seed> python -m pytest tests/sync/test_harness_seeded.py -k replay`."""

from __future__ import annotations

import os

import pytest

from tests.sync.harness.invariants import check_all
from tests.sync.harness.world import World
from tests.sync.support import pg_copy

CI_SEEDS = [11, 23, 37, 41, 59, 67, 73, 89, 97, 101]
STEPS = 120


def run(seed: int, tmp_path, steps: int = STEPS, database=None) -> dict:  # noqa: ANN001
    world = World(seed, tmp_path, database=database)
    try:
        for _ in range(steps):
            world.random_step()
        return check_all(world)
    except BaseException as exc:
        raise AssertionError(f"sync harness failed with seed {seed} (replay: GOVHALL_SYNC_SEED={seed}): {exc}") from exc
    finally:
        world.close()


@pytest.mark.parametrize("seed", CI_SEEDS[:2] + [pytest.param(s, marks=pytest.mark.soak) for s in CI_SEEDS[2:]])
def test_seeded_run_keeps_every_invariant(seed: int, tmp_path) -> None:  # noqa: ANN001
    stats = run(seed, tmp_path)
    assert stats["rounds"] >= 1


@pytest.mark.pg
@pytest.mark.parametrize("seed", CI_SEEDS[:2])
def test_seeded_run_on_postgresql(seed: int, tmp_path, pg_template: str) -> None:  # noqa: ANN001
    with pg_copy(pg_template) as database:
        stats = run(seed, tmp_path, database=database)
    assert stats["rounds"] >= 1


def test_long_seeded_runs(sync_long: bool, tmp_path_factory) -> None:  # noqa: ANN001
    if not sync_long:
        pytest.skip("long run: pass --sync-long or set GOVHALL_SYNC_LONG=1")
    for seed in range(1000, 1200):
        run(seed, tmp_path_factory.mktemp(f"seed{seed}"), steps=400)


@pytest.mark.skipif("GOVHALL_SYNC_SEED" not in os.environ, reason="set GOVHALL_SYNC_SEED to replay one run")
def test_replay(tmp_path) -> None:  # noqa: ANN001
    print(run(int(os.environ["GOVHALL_SYNC_SEED"]), tmp_path, int(os.environ.get("GOVHALL_SYNC_STEPS", STEPS))))
