"""Hypothesis drives the simulated hall: it picks the actions, the devices, the crash points and the fault
levels, then shrinks any failing run to a short one. The invariants are checked when each run ends."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tests.sync.harness.invariants import check_all
from tests.sync.harness.network import Faults
from tests.sync.harness.world import CRASH_POINTS, World

LONG = os.environ.get("GOVHALL_SYNC_LONG") == "1"
device = st.integers(min_value=0, max_value=3)
FAULTS = {"none": Faults.none(), "default": Faults(), "heavy": Faults(0.2, 0.2, 0.2, 0.2, 0.5)}


class SimulatedHall(RuleBasedStateMachine):
    @initialize(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def start(self, seed: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="govhall-hall-"))
        (self.tmp / "world").mkdir()
        self.world = World(seed, self.tmp / "world")

    def dev(self, i: int):  # noqa: ANN201
        return self.world.devices[i]

    @rule(i=device)
    def record_fact(self, i: int) -> None:
        self.world.record_fact(self.dev(i))

    @rule(i=st.sampled_from([0, 3]))
    def create_entity(self, i: int) -> None:
        self.world.create_entity(self.dev(i))

    @rule(i=st.sampled_from([0, 3]))
    def update_entity(self, i: int) -> None:
        self.world.update_entity(self.dev(i))

    @rule(i=st.sampled_from([0, 3]))
    def delete_entity(self, i: int) -> None:
        self.world.delete_entity(self.dev(i))

    @rule(i=st.sampled_from([0, 1, 3]))
    def issue_number(self, i: int) -> None:
        self.world.issue_number(self.dev(i))

    @rule(i=st.sampled_from([0, 1, 3]))
    def release_leases(self, i: int) -> None:
        self.world.release(self.dev(i))

    @rule(i=device)
    def sync(self, i: int) -> None:
        self.world.sync(self.dev(i))

    @rule(i=device, point=st.sampled_from(CRASH_POINTS), then=st.sampled_from(["sync", "record_fact", "issue_number"]))
    def crash(self, i: int, point: str, then: str) -> None:
        self.world.crash_during(self.dev(i), point, getattr(self.world, then))

    @rule(i=device)
    def partition(self, i: int) -> None:
        self.world.partition(self.dev(i))

    @rule()
    def heal(self) -> None:
        self.world.heal()

    @rule()
    def compact(self) -> None:
        self.world.compact()

    @rule(level=st.sampled_from(sorted(FAULTS)))
    def set_faults(self, level: str) -> None:
        self.world.net.faults = FAULTS[level]

    @rule(seconds=st.floats(min_value=0.01, max_value=120))
    def tick(self, seconds: float) -> None:
        self.world.tick(seconds)

    def teardown(self) -> None:
        world = getattr(self, "world", None)
        if world is None:
            return
        try:
            check_all(world)
        finally:
            world.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


SimulatedHall.TestCase.settings = settings(
    max_examples=200 if LONG else 12, stateful_step_count=80 if LONG else 40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], derandomize=not LONG)
test_simulated_hall = pytest.mark.soak(SimulatedHall.TestCase)
