"""SMS over CMPP 2.0 to an ISMG (China Mobile's gateway): one long-lived TCP connection, opened with
CMPP_CONNECT on first use and again after any failure. Submits wait for their CMPP_SUBMIT_RESP; DELIVERs that
arrive meanwhile (status reports, citizens' replies) are answered and kept for `poll`, which also keeps the link
alive with CMPP_ACTIVE_TEST."""

from __future__ import annotations

import datetime as dt
import itertools
import socket
from collections.abc import Callable

from server.notify import cmpp
from server.notify.gateway import GatewayRefused, GatewayUnavailable, Outgoing, Replies, Report, Reply
from shared.queue.clock import CHINA_TZ

FLOW_CONTROL = 8  # SUBMIT_RESP result: sending too fast; try again later


class CmppGateway:
    name = "cmpp"

    def __init__(self, host: str, port: int, source_addr: str, secret: str, *, src_id: str = "",
                 service_id: str = "", timeout: float = 5.0,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.host, self.port, self.source_addr, self.secret = host, port, source_addr, secret
        self.src_id, self.service_id, self.timeout, self.clock = src_id or source_addr, service_id, timeout, clock
        self._sock: socket.socket | None = None
        self._seq = itertools.count(1)
        self._reference = itertools.count(1)
        self._reports: list[Report] = []
        self._replies: list[Reply] = []

    # --- the link ------------------------------------------------------------------------------------------
    def _recv_exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self._sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the gateway closed the connection")
            data += chunk
        return data

    def _write(self, command_id: int, sequence: int, message) -> None:  # noqa: ANN001
        self._sock.sendall(cmpp.encode(command_id, sequence, message))

    def _connect(self) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # one small frame, answered at once
        stamp = self.clock().astimezone(CHINA_TZ).strftime("%m%d%H%M%S")
        auth = cmpp.authenticator_source(self.source_addr, self.secret, stamp)
        resp = self._call(cmpp.CONNECT, cmpp.Connect(self.source_addr, auth, int(stamp)), cmpp.CONNECT_RESP)
        if resp.status != 0:
            raise GatewayUnavailable(f"CMPP_CONNECT refused with status {resp.status}")
        if resp.authenticator != cmpp.authenticator_ismg(0, auth, self.secret):
            raise GatewayUnavailable("the gateway's AuthenticatorISMG does not match our secret")

    def _call(self, command_id: int, message, want: int):  # noqa: ANN001, ANN202
        sequence = next(self._seq) & 0x7FFFFFFF
        self._write(command_id, sequence, message)
        while True:
            got, seq, body = cmpp.decode(cmpp.read_frame(self._recv_exactly))
            if got == want and seq == sequence:
                return body
            self._incoming(got, seq, body)

    def _incoming(self, command_id: int, sequence: int, body) -> None:  # noqa: ANN001
        if command_id == cmpp.DELIVER:
            self._write(cmpp.DELIVER_RESP, sequence, cmpp.DeliverResp(body.msg_id, 0))
            report = body.report()
            if report is not None:
                self._reports.append(Report(str(report.msg_id), report.stat == "DELIVRD", report.stat))
            else:
                self._replies.append(Reply(body.src_terminal.removeprefix("86"), body.text()))
        elif command_id == cmpp.ACTIVE_TEST:
            self._write(cmpp.ACTIVE_TEST_RESP, sequence, cmpp.Empty(b"\0"))
        elif command_id == cmpp.TERMINATE:
            self._write(cmpp.TERMINATE_RESP, sequence, cmpp.Empty())
            raise ConnectionError("the gateway ended the session")

    def _guarded(self, work):  # noqa: ANN001, ANN202
        try:
            if self._sock is None:
                self._connect()
            return work()
        except GatewayUnavailable:
            self._drop()
            raise
        except (OSError, cmpp.CmppError) as exc:
            self._drop()
            raise GatewayUnavailable(f"CMPP link: {type(exc).__name__}: {exc}") from exc

    def _drop(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    # --- Gateway -------------------------------------------------------------------------------------------
    def send(self, message: Outgoing) -> str:
        def submit() -> str:
            parts = cmpp.segments(message.text, next(self._reference))
            first = ""
            for number, (udhi, content) in enumerate(parts, start=1):
                resp = self._call(cmpp.SUBMIT, cmpp.Submit(
                    dest=(message.phone,), content=content, src_id=self.src_id, service_id=self.service_id,
                    msg_src=self.source_addr, pk_total=len(parts), pk_number=number, udhi=udhi), cmpp.SUBMIT_RESP)
                if resp.result == FLOW_CONTROL:
                    raise GatewayUnavailable("CMPP flow control: submitting too fast")
                if resp.result != 0:
                    raise GatewayRefused(f"CMPP_SUBMIT refused with result {resp.result}")
                first = first or str(resp.msg_id)
            return first
        return self._guarded(submit)

    def poll(self) -> Replies:
        self._guarded(lambda: self._call(cmpp.ACTIVE_TEST, cmpp.Empty(), cmpp.ACTIVE_TEST_RESP))
        reports, replies = self._reports, self._replies
        self._reports, self._replies = [], []
        return reports, replies

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._call(cmpp.TERMINATE, cmpp.Empty(), cmpp.TERMINATE_RESP)
            except (OSError, cmpp.CmppError):
                pass
            self._drop()
