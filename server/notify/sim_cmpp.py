"""A local CMPP 2.0 ISMG that speaks the protocol to the SMS sender and records what it received: it checks
the CONNECT authenticator against its account, answers every SUBMIT with a message id and (when asked) a
DELIVRD status report, answers ACTIVE_TEST, and can send a citizen's reply (e.g. "TD") as an MO DELIVER.

    python -m server.notify.sim_cmpp --port 7890 --account 901234 --secret s3cret [--record sms.jsonl]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass

from server.notify import cmpp


@dataclass(frozen=True)
class Received:
    phone: str
    text: str
    msg_id: int


class CmppSimulator:
    def __init__(self, account: str, secret: str, host: str = "127.0.0.1", port: int = 0,
                 record: str | None = None, clock=lambda: dt.datetime.now(dt.timezone.utc)) -> None:  # noqa: ANN001
        self.clock = clock  # stamps the status reports
        self.account, self.secret, self.host, self.port, self.record = account, secret, host, port, record
        self.received: list[Received] = []
        self.connects = 0
        self.refused_logins = 0
        self._ids = itertools.count(1_000_001)
        self._parts: dict[tuple[str, int], list[tuple[int, bytes]]] = {}
        self._lock = threading.Lock()
        self._sessions: list[_Session] = []
        self._server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> CmppSimulator:
        simulator = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                _Session(simulator, self.request).run()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True, name="sim-cmpp").start()
        return self

    def stop(self) -> None:
        """Down: the listener closes and every open session is cut (as an ISMG outage looks)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for session in list(self._sessions):
            session.cut()

    def reply(self, phone: str, text: str) -> None:
        """A citizen's SMS to the service number, delivered to every logged-in client."""
        for session in list(self._sessions):
            session.deliver(cmpp.Deliver(next(self._ids), "", "86" + phone, text.encode("utf-16-be"), cmpp.UCS2))

    def _submitted(self, submit: cmpp.Submit, msg_id: int) -> None:
        phone = submit.dest[0]
        with self._lock:
            if submit.pk_total > 1:
                key = (phone, submit.content[3])
                parts = self._parts.setdefault(key, [])
                parts.append((submit.udhi, submit.content))
                if len(parts) < submit.pk_total:
                    return
                text = cmpp.join_segments(sorted(parts, key=lambda p: p[1][5]))
                del self._parts[key]
            else:
                text = cmpp.join_segments([(submit.udhi, submit.content)])
            self.received.append(Received(phone, text, msg_id))
        if self.record:
            with open(self.record, "a", encoding="utf-8") as out:
                out.write(json.dumps({"phone": phone, "text": text, "msg_id": msg_id}, ensure_ascii=False) + "\n")


class _Session:
    def __init__(self, sim: CmppSimulator, sock: socket.socket) -> None:
        self.sim, self.sock = sim, sock
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.write_lock = threading.Lock()
        self.seq = itertools.count(1)

    def _recv_exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def send(self, command_id: int, sequence: int, message) -> None:  # noqa: ANN001
        with self.write_lock:
            self.sock.sendall(cmpp.encode(command_id, sequence, message))

    def deliver(self, message: cmpp.Deliver) -> None:
        try:
            self.send(cmpp.DELIVER, next(self.seq), message)
        except OSError:
            pass

    def cut(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def run(self) -> None:
        try:
            command_id, sequence, connect = cmpp.decode(cmpp.read_frame(self._recv_exactly))
            if command_id != cmpp.CONNECT:
                return
            expected = cmpp.authenticator_source(self.sim.account, self.sim.secret, f"{connect.timestamp:010d}")
            status = 0 if connect.source_addr == self.sim.account and connect.authenticator == expected else 3
            ismg = cmpp.authenticator_ismg(status, connect.authenticator, self.sim.secret)
            # counted before the answer goes out: whoever reads the counts after the answer sees them
            if status:
                self.sim.refused_logins += 1
            else:
                self.sim.connects += 1
                self.sim._sessions.append(self)
            self.send(cmpp.CONNECT_RESP, sequence, cmpp.ConnectResp(status, ismg))
            if status:
                return
            while True:
                command_id, sequence, body = cmpp.decode(cmpp.read_frame(self._recv_exactly))
                if command_id == cmpp.SUBMIT:
                    self._submit(sequence, body)
                elif command_id == cmpp.ACTIVE_TEST:
                    self.send(cmpp.ACTIVE_TEST_RESP, sequence, cmpp.Empty(b"\0"))
                elif command_id == cmpp.TERMINATE:
                    self.send(cmpp.TERMINATE_RESP, sequence, cmpp.Empty())
                    return
        except (OSError, cmpp.CmppError):
            return
        finally:
            if self in self.sim._sessions:
                self.sim._sessions.remove(self)
            self.sock.close()

    def _submit(self, sequence: int, submit: cmpp.Submit) -> None:
        msg_id = next(self.sim._ids)
        self.sim._submitted(submit, msg_id)  # before the answer: whoever saw the answer sees the record
        self.send(cmpp.SUBMIT_RESP, sequence, cmpp.SubmitResp(msg_id, 0))
        if submit.registered_delivery:
            now = self.sim.clock().strftime("%y%m%d%H%M")
            report = cmpp.StatusReport(msg_id, "DELIVRD", now, now, submit.dest[0])
            self.deliver(cmpp.Deliver(next(self.sim._ids), submit.src_id, submit.dest[0], report.body(),
                                      registered_delivery=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CMPP 2.0 ISMG simulator (records submitted SMS)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7890)
    parser.add_argument("--account", required=True, help="Source_Addr (SP 企业代码, 6 characters)")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--record", help="append each received message as a JSON line to this file")
    args = parser.parse_args(argv)
    sim = CmppSimulator(args.account, args.secret, args.host, args.port, args.record).start()
    print(f"CMPP 2.0 simulator listening on {args.host}:{sim.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
