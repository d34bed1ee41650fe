"""Running a process on another clock with libfaketime (Debian's `libfaketime`): the demo's `--at`, its
`--check` journey and the tests that pin a child process's day all start children through `preload()`.

libfaketime 0.9.10 (Debian 12) with the monotonic clock left real (FAKETIME_DONT_FAKE_MONOTONIC=1, so timers
and timeouts keep working) still shifts waits on the monotonic clock: Python's time.sleep() fails with EINVAL
and Qt's QThread::wait times out at once. The small shim monotonic_sleep.c, preloaded first, hands those
waits straight to the kernel; it is built once per machine with the system C compiler into the user's cache."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path

PACKAGE = "libfaketime"
SHIM_SOURCE = Path(__file__).with_name("monotonic_sleep.c")
_KNOWN_PATHS = ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                "/usr/lib/faketime/libfaketime.so.1")
VARIABLES = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC", "FAKETIME_NO_CACHE", "TZ")


@cache
def libfaketime_path() -> Path:
    """The preload library, found through dpkg (then the usual paths); a clear error names the package."""
    try:
        listed = subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True, text=True,
                                check=False).stdout.splitlines()
    except FileNotFoundError:
        listed = []
    for candidate in [*listed, *_KNOWN_PATHS]:
        if candidate.endswith("/libfaketime.so.1") and Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError(f"libfaketime.so.1 not found: install the Debian package {PACKAGE!r}")


@cache
def sleep_shim_path() -> Path:
    """The monotonic-sleep shim, compiled with the system C compiler into the user's cache (once per source)."""
    source = SHIM_SOURCE.read_bytes()
    cache_dir = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govhall" / "faketime"
    target = cache_dir / f"monotonic_sleep-{hashlib.sha256(source).hexdigest()[:16]}.so"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as work:  # build aside, then rename: parallel runs are safe
        built = Path(work) / target.name
        try:
            result = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(built), str(SHIM_SOURCE), "-ldl"],
                                    capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise FileNotFoundError("a C compiler (cc) is needed to build the faked-clock shim") from None
        if result.returncode != 0:
            raise RuntimeError(f"building {SHIM_SOURCE.name} failed:\n{result.stderr}")
        os.replace(built, target)
    return target


def preload(base: dict[str, str], faketime: str, tz: str) -> dict[str, str]:
    """A copy of `base` whose process runs on the clock `faketime` describes (libfaketime's FAKETIME: "@start"
    or "+offset seconds") in zone `tz`. An LD_PRELOAD already set (the whole suite may run faked) is replaced,
    not stacked."""
    env = dict(base)
    ours = (str(sleep_shim_path()), str(libfaketime_path()))
    kept = [p for p in env.get("LD_PRELOAD", "").split() if p not in ours and "libfaketime" not in p
            and "monotonic_sleep" not in p]
    env.update(LD_PRELOAD=" ".join([*ours, *kept]), FAKETIME=faketime, FAKETIME_DONT_FAKE_MONOTONIC="1",
               TZ=tz)
    return env
