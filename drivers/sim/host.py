"""Hosts a simulated device on a pty, a TCP port on 127.0.0.1, or in-process, in a background thread.

A device model implements `receive(data: bytes) -> bytes` (answers to what the host sent) and may push
unsolicited bytes with `SimHost.push` (a keypad key press, a scanned code). Scenarios that make the device
disappear (`drop()`) close the pty master or reset the TCP connection; `restore()` brings it back."""

from __future__ import annotations

import os
import pty
import select
import socket
import threading
import tty
from typing import Protocol


class DeviceModel(Protocol):
    def receive(self, data: bytes) -> bytes: ...


class SimHost:
    """`kind` is "pty" (path in `.port`) or "tcp" (port number in `.tcp_port`, URL in `.url`)."""

    def __init__(self, model: DeviceModel, kind: str = "pty", tcp_port: int = 0, host: str = "127.0.0.1",
                 link_path: str = "") -> None:
        if kind not in ("pty", "tcp"):
            raise ValueError("kind must be pty or tcp")
        self.model = model
        self.kind = kind
        self.host = host
        self.tcp_port = tcp_port
        self.port = ""
        self.link_path = link_path  # stable symlink to the current pty (like /dev/serial/by-id/...)
        self.received = bytearray()  # everything the host ever sent (wire log)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._fd: int | None = None  # pty master
        self._slave: int | None = None
        self._server: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._outbox = bytearray()
        self._dropped = False
        self._drop_done = threading.Event()
        self._drop_done.set()
        self._thread: threading.Thread | None = None

    @property
    def connected(self) -> bool:
        """A driver holds the link (tcp: a connection is accepted; a pty is always there to open)."""
        return self.kind == "pty" or self._conn is not None

    @property
    def url(self) -> str:
        return self.port if self.kind == "pty" else f"socket://{self.host}:{self.tcp_port}"

    def start(self) -> "SimHost":
        if self.kind == "pty":
            self._open_pty()
        else:
            self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._server.bind((self.host, self.tcp_port))
            self._server.listen(1)
            self.tcp_port = self._server.getsockname()[1]
        if hasattr(self.model, "attach"):
            self.model.attach(self.push)  # devices that speak first (keypads, scanners) push through us
        name = f"sim-{type(self.model).__name__}"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._close_conn()
        for fd in (self._fd, self._slave):
            if fd is not None:
                _close_fd(fd)
        self._fd = self._slave = None
        if self._server is not None:
            self._server.close()
        if self.link_path and os.path.islink(self.link_path):
            os.unlink(self.link_path)

    def push(self, data: bytes) -> None:
        with self._lock:
            self._outbox += data

    def drop(self) -> None:
        """The device disappears: pty master closed (reads fail with EIO) or TCP connection reset.

        The host thread closes the endpoint itself (it may be inside select/read on it: closing the fd from
        here could let it read a reused fd number, e.g. the driver's new port); we wait until it has."""
        with self._lock:
            self._dropped = True
            self._drop_done.clear()
        if self._thread is not None and self._thread.is_alive():
            self._drop_done.wait(2.0)
        else:
            self._close_endpoint()

    def _close_endpoint(self) -> None:
        if self.kind == "pty":
            if self._fd is not None:
                _close_fd(self._fd)
                self._fd = None
        else:
            self._close_conn(reset=True)
        self._drop_done.set()

    def restore(self) -> None:
        """The device is back. A pty comes back under a new /dev/pts path; `link_path` follows it."""
        with self._lock:
            self._dropped = False
            if self.kind == "pty" and self._fd is None:
                self._open_pty()

    def _open_pty(self) -> None:
        master, slave = pty.openpty()
        tty.setraw(slave)  # no echo, no line editing: bytes pass untouched
        if self._slave is not None:
            _close_fd(self._slave)
        self._fd, self._slave = master, slave
        self.port = os.ttyname(slave)
        if self.link_path:
            tmp = self.link_path + ".new"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(self.port, tmp)
            os.replace(tmp, self.link_path)
            self.port = self.link_path

    def _close_conn(self, reset: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            if reset:  # SO_LINGER 0 sends RST: the peer sees "connection reset", not a clean EOF
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()

    def _endpoint(self):
        if self.kind == "pty":
            return self._fd
        if self._conn is None and self._server is not None and not self._dropped:
            ready, _, _ = select.select([self._server], [], [], 0.02)
            if ready:
                self._conn, _ = self._server.accept()
        return self._conn

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                if self._dropped and not self._drop_done.is_set():
                    self._close_endpoint()
                ep = None if self._dropped else self._endpoint()
                out = b""
                if ep is not None:
                    out, self._outbox = bytes(self._outbox), bytearray()
            if ep is None:
                self._stop.wait(0.02)
                continue
            try:
                if out:
                    self._write(ep, out)
                ready, _, _ = select.select([ep], [], [], 0.02)
                if not ready:
                    continue
                data = os.read(ep, 4096) if isinstance(ep, int) else ep.recv(4096)
            except (OSError, ValueError):
                self._lost(ep)
                continue
            if not data:
                self._lost(ep)
                continue
            self.received += data
            if len(self.received) > 1 << 20:  # keep the last MiB: simulators started by hand run for hours
                del self.received[:len(self.received) - (1 << 20)]
            reply = self.model.receive(data)
            if reply:
                try:
                    self._write(ep, reply)
                except OSError:
                    self._lost(ep)

    def _write(self, ep, data: bytes) -> None:
        if isinstance(ep, int):
            view = memoryview(data)
            while view:
                n = os.write(ep, view)
                view = view[n:]
        else:
            ep.sendall(data)

    def _lost(self, ep) -> None:
        if self.kind == "tcp":
            with self._lock:
                if self._conn is ep:
                    self._close_conn()
        else:
            self._stop.wait(0.02)  # pty without a reader: EIO until someone opens the slave again

    def __enter__(self) -> "SimHost":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _close_fd(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
