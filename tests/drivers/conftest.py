"""Fixtures for the driver suites: simulators on ptys and loopback sockets, always stopped afterwards.

Real devices: tests marked `hardware` read their settings from the file named by GOVHALL_DEVICE_CONFIG
(see drivers/config.py) and are skipped unless pytest runs with --hardware."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from drivers.config import device_settings, load_config, serial_url
from drivers.sim.host import SimHost

# Applied per test (not as a global profile, which would change other suites' Hypothesis settings).
fuzz = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="session")
def pcscd():
    """A private pcscd with the vpcd reader, once per session: libpcsclite remembers the socket path of the
    first daemon it talks to, so every PC/SC test in this process must use the same one. Stopped by pid."""
    from drivers.sim.pcscd import PcscdUnavailable, PrivatePcscd
    from tests.conftest import IN_CI

    daemon = PrivatePcscd()
    try:
        daemon.start()
    except PcscdUnavailable as exc:
        if IN_CI:
            raise
        pytest.skip(f"cannot run pcscd here: {exc}")
    yield daemon
    daemon.stop()


@pytest.fixture
def sim_host(tmp_path):
    """Factory: sim_host(model, kind="pty"|"tcp") → started SimHost; all are stopped at teardown."""
    hosts: list[SimHost] = []

    def start(model, kind: str = "pty") -> SimHost:
        link = str(tmp_path / f"tty-{len(hosts)}") if kind == "pty" else ""
        host = SimHost(model, kind=kind, link_path=link).start()
        hosts.append(host)
        return host

    yield start
    for host in hosts:
        host.stop()


def hardware_url(device: str) -> str:
    path = os.environ.get("GOVHALL_DEVICE_CONFIG")
    if not path:
        pytest.skip("set GOVHALL_DEVICE_CONFIG to a device config file to test real hardware")
    return serial_url(device_settings(load_config(path), device))


def wait_for(predicate, timeout: float = 3.0, interval: float = 0.01) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
