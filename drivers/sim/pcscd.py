"""Starts a pcscd with only the vpcd virtual reader, and stops it by process id.

pcscd always listens on /run/pcscd/pcscd.comm. To avoid clashing with a system pcscd (or another test run),
when we may use mount namespaces (root) we start it under `unshare --mount` with a private folder bound over
/run/pcscd and point our clients at the socket there (PCSCLITE_CSOCK_NAME, read by libpcsclite before its
first use in a process). Otherwise a plain `pcscd -f` is used when no other pcscd is running."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VPCD_DRIVER_CANDIDATES = ("/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
                          "/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so")
SYSTEM_SOCKET = "/run/pcscd/pcscd.comm"


class PcscdUnavailable(RuntimeError):
    pass


def vpcd_driver() -> str:
    for path in VPCD_DRIVER_CANDIDATES:
        if Path(path).exists():
            return path
    raise PcscdUnavailable("vpcd driver not found (apt-get install vsmartcard-vpcd)")


def free_port_pair() -> int:
    """vpcd opens CHANNELID and CHANNELID+1 (two slots): find two free consecutive ports."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise PcscdUnavailable("no free port pair for vpcd")


def _can_unshare() -> bool:
    """Root and allowed to make a mount namespace (not the case in every container)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class PrivatePcscd:
    # vpcd listens on all interfaces (its forward mode has no bind address) on a random port, only while
    # the tests run. Its reverse mode (vpcd connects to a vicc on 127.0.0.1) crashes pcscd on bookworm
    # when the card disconnects, so it is not used.
    def __init__(self, port: int | None = None, reader_name: str = "GovHall Virtual PCD") -> None:
        self.port = port or free_port_pair()
        self.reader_name = reader_name
        self.dir = Path(tempfile.mkdtemp(prefix="govhall-pcscd-"))
        self.socket_path = SYSTEM_SOCKET
        self.process: subprocess.Popen | None = None
        self.log = self.dir / "pcscd.log"

    def start(self, timeout: float = 10.0) -> "PrivatePcscd":
        pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
        if not pcscd:
            raise PcscdUnavailable("pcscd is not installed (apt-get install pcscd)")
        conf = self.dir / "reader.conf.d"
        conf.mkdir()
        (conf / "vpcd").write_text(f'FRIENDLYNAME "{self.reader_name}"\nDEVICENAME /dev/null:{self.port}\n'
                                   f"LIBPATH {vpcd_driver()}\nCHANNELID {self.port}\n", encoding="ascii")
        command = [pcscd, "--foreground", "--config", str(conf)]
        if _can_unshare():
            run = self.dir / "run"
            run.mkdir()
            Path("/run/pcscd").mkdir(parents=True, exist_ok=True)
            command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                       f'mount --bind "{run}" /run/pcscd && exec "$0" "$@"', *command]
            self.socket_path = str(run / "pcscd.comm")
        elif Path(SYSTEM_SOCKET).exists():
            raise PcscdUnavailable("another pcscd is running and we may not start a private one (needs root)")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = f"pcscd exited with {self.process.returncode}: {self.log_text()}"
                self.stop()
                raise PcscdUnavailable(message)
            if Path(self.socket_path).exists() and self._vpcd_listening():
                self._previous_env = os.environ.get("PCSCLITE_CSOCK_NAME")
                os.environ["PCSCLITE_CSOCK_NAME"] = self.socket_path
                return self
            time.sleep(0.05)
        self.stop()
        raise PcscdUnavailable(f"pcscd did not come up in {timeout:.0f} s: {self.log_text()}")

    def _vpcd_listening(self) -> bool:
        """Read the kernel's socket table rather than probing: vpcd would take a probe for a card."""
        needle = f":{self.port:04X} "
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            if any(needle in line and line.split()[3] == "0A" for line in lines):  # 0A = LISTEN
                return True
        return False

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # our own child, by pid: never a broad kill by name
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
        if getattr(self, "_previous_env", None) is not None:
            os.environ["PCSCLITE_CSOCK_NAME"] = self._previous_env
        elif os.environ.get("PCSCLITE_CSOCK_NAME") == self.socket_path:
            del os.environ["PCSCLITE_CSOCK_NAME"]
