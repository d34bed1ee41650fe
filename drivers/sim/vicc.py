"""Our own small virtual smart card for pcscd + vsmartcard's vpcd (Debian's `vicc` does not work on bookworm).

vpcd wire protocol (TCP): every message is a 2-byte big-endian length and a payload. A 1-byte payload is a
control message (0 power off, 1 power on, 2 reset, 4 get ATR → answer the ATR); anything longer is a command
APDU answered with a response APDU. Removing the card = closing the connection.

The card answers like the chip of a resident ID card seen through a plain PC/SC reader: `00 36 00 00 08`
gives the 8-byte chip serial + 90 00 (the ID text itself needs the police SAM and is not readable here)."""

from __future__ import annotations

import os
import socket
import threading

SW_OK = b"\x90\x00"
DEFAULT_ATR = bytes.fromhex("3B 80 80 01 01")  # T=1 contactless card as PC/SC part 3 readers report it


class VirtualIdCard:
    """APDU behaviour (pure: bytes in, bytes out)."""

    def __init__(self, serial: bytes = bytes.fromhex("0123456789ABCDEF"), atr: bytes = DEFAULT_ATR,
                 applications: tuple[bytes, ...] = ()) -> None:
        self.serial = serial
        self.atr = atr
        self.applications = applications
        self.apdus: list[bytes] = []

    def apdu(self, command: bytes) -> bytes:
        self.apdus.append(command)
        if len(command) < 4:
            return b"\x67\x00"  # wrong length
        cla, ins, p1, p2 = command[:4]
        if cla != 0x00:
            return b"\x6E\x00"
        if ins == 0x36:  # chip serial
            if (p1, p2) != (0, 0):
                return b"\x6B\x00"
            le = command[4] if len(command) == 5 else None
            if le != len(self.serial):
                return b"\x6C" + bytes((len(self.serial),))  # "wrong Le; use 08"
            return self.serial + SW_OK
        if ins == 0x84:  # get challenge
            return os.urandom(command[4] if len(command) == 5 and command[4] else 8) + SW_OK
        if ins == 0xA4:  # select by AID
            aid = command[5:5 + command[4]] if len(command) > 5 else b""
            return SW_OK if aid in self.applications else b"\x6A\x82"
        return b"\x6D\x00"


class VpcdCardClient:
    """Connects a VirtualIdCard to vpcd (`insert`), disconnects it (`remove`). Runs in a thread."""

    def __init__(self, card: VirtualIdCard, host: str = "127.0.0.1", port: int = 35963) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.powered = False
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.connected = threading.Event()

    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd (retrying while pcscd starts up)."""
        self.remove()
        self._stop.clear()
        deadline_error = None
        sock = None
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError as exc:
                deadline_error = exc
                time.sleep(0.05)
        if sock is None:
            raise ConnectionError(f"vpcd not reachable on {self.host}:{self.port}: {deadline_error}")
        sock.settimeout(0.2)
        self._sock = sock
        self.connected.set()
        self._thread = threading.Thread(target=self._run, args=(sock,), name="vicc", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        self._stop.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        self.connected.clear()
        self.powered = False

    def _run(self, sock: socket.socket) -> None:
        buf = b""
        while not self._stop.is_set():
            try:
                chunk = sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + int.from_bytes(buf[:2], "big"):
                n = int.from_bytes(buf[:2], "big")
                msg, buf = buf[2:2 + n], buf[2 + n:]
                reply = self._handle(msg)
                if reply is not None:
                    try:
                        sock.sendall(len(reply).to_bytes(2, "big") + reply)
                    except OSError:
                        return
        self.connected.clear()

    def _handle(self, msg: bytes) -> bytes | None:
        if len(msg) == 1:
            if msg[0] == 0:
                self.powered = False
            elif msg[0] in (1, 2):
                self.powered = True
            elif msg[0] == 4:
                return self.card.atr
            return None
        return self.card.apdu(msg)
