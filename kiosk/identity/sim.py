"""A local stand-in for the provincial identity gateway (粤省事码 / 粤商码): it checks each request's signature,
clock and nonce like the gateway (signing.py), and answers for the codes it issued — until they expire. It signs
every answer with its SM2 key, as the gateway does; the kiosk checks them with its public key.

    python -m kiosk.identity.sim --app-id hall-1 --app-key <hex> [--port 8820] [--answer-key gateway.key] \
        [--person 11010519491231002X,王小明] [--business 91350100M000100Y43,某某公司] [--ttl 600]

prints the address, the answer key's public key ("answer public key: <hex>", the kiosk's gateway_public_key;
--answer-key keeps the pair in a file, made 0600 the first time, else a new one each start) and one code per
--person / --business ("YSS:…" / "YSM:…") to show at the scanner. `stop()` makes it unreachable (a gateway that
is down); `tamper` changes answers after they were signed (a man in the middle, for tests)."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pathlib import Path

from kiosk.identity import signing
from kiosk.identity.codes import BUSINESS, PERSON, parse, payload
from kiosk.identity.decoder import PATH
from shared.crypto.sm2 import Signer, load_or_create_signer


@dataclass(frozen=True)
class Issued:
    kind: str
    value: str       # ID number or USCC
    name: str
    expires_at: float


class IdentityGatewaySimulator:
    def __init__(self, app_id: str, app_key: bytes, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], float] = time.time, answer_signer: Signer | None = None) -> None:
        self.app_id, self.key, self.host, self.port, self.clock = app_id, app_key, host, port, clock
        self.answer_signer = answer_signer or Signer.generate()
        self.sign_answers = True         # False: answers go out unsigned (a stand-in that is not the gateway)
        self.tamper: Callable[[dict], dict] | None = None  # changes an answer after it was signed
        self.codes: dict[str, Issued] = {}
        self.requests: list[dict] = []   # what was asked (code, verdict), for tests
        self.delay = 0.0                 # seconds before answering (a slow gateway)
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def public_key(self) -> str:
        """The answer key's public half (hex SPKI DER): the kiosk's [identity_code] gateway_public_key."""
        return self.answer_signer.public_key

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # codes -------------------------------------------------------------------------------------------
    def issue(self, kind: str, value: str, name: str = "", ttl_s: float = 600) -> str:
        """A new code for a person (ID number) or a business (USCC); returns the payload to scan."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[token] = Issued(kind, value, name, self.clock() + ttl_s)
        return payload(kind, token)

    def person(self, id_number: str, name: str = "", ttl_s: float = 600) -> str:
        return self.issue(PERSON, id_number, name, ttl_s)

    def business(self, uscc: str, name: str = "", ttl_s: float = 600) -> str:
        return self.issue(BUSINESS, uscc, name, ttl_s)

    # HTTP --------------------------------------------------------------------------------------------
    def start(self) -> IdentityGatewaySimulator:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: stop() leaves none answering

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                asked = {k.title(): v for k, v in self.headers.items()}
                status, answer = sim.answer(self.path, asked, body)
                if sim.delay:
                    time.sleep(sim.delay)
                raw = json.dumps(answer, ensure_ascii=False).encode()
                signed = signing.answer_headers(sim.answer_signer, status, PATH, asked.get("X-Nonce", ""), raw,
                                                int(sim.clock())) if sim.sign_answers else {}
                if sim.tamper is not None:
                    raw = json.dumps(sim.tamper(answer), ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in signed.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:  # noqa: ANN002  (quiet: codes name persons)
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="identity-gateway-sim", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        if path != PATH:
            return 404, {"result": "error", "error": "not_found"}
        refused = self._check(headers, body)
        if refused:
            self.requests.append({"verdict": refused})
            return 401, {"result": "error", "error": refused}
        try:
            asked = json.loads(body)
            code = parse(str(asked["code"]))
        except (ValueError, KeyError, TypeError):
            code = None
        if code is None:
            self.requests.append({"verdict": "code_invalid"})
            return 400, {"result": "error", "error": "code_invalid"}
        with self._lock:
            issued = self.codes.get(code.token)
        verdict = ("code_unknown" if issued is None else "kind_mismatch" if issued.kind != code.kind
                   else "code_expired" if self.clock() >= issued.expires_at else "ok")
        self.requests.append({"code": code.payload, "verdict": verdict})
        if verdict != "ok":
            return 400, {"result": "error", "error": verdict}
        field = "id_number" if issued.kind == PERSON else "uscc"
        return 200, {"result": "ok", "kind": issued.kind, field: issued.value, "name": issued.name}

    def _check(self, headers: dict[str, str], body: bytes) -> str | None:
        headers = {k.title(): v for k, v in headers.items()}  # http.server keeps the sender's spelling
        if headers.get("X-App-Id") != self.app_id:
            return "app_unknown"
        try:
            stamp = int(headers.get("X-Timestamp", ""))
        except ValueError:
            return "timestamp_invalid"
        if abs(self.clock() - stamp) > signing.SKEW_S:
            return "timestamp_skew"
        if not signing.verify(self.key, "POST", PATH, headers, body):
            return "signature_invalid"
        with self._lock:
            nonce = headers.get("X-Nonce", "")
            if not nonce or nonce in self._nonces:
                return "nonce_reused"
            self._nonces.add(nonce)
        return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="provincial identity gateway simulator (粤省事码 / 粤商码)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8820)
    p.add_argument("--app-id", required=True)
    p.add_argument("--app-key", required=True, help="hex, as in the kiosk's [identity_code] app_key")
    p.add_argument("--person", action="append", default=[], help="ID number[,name]: print a 粤省事码 for them")
    p.add_argument("--business", action="append", default=[], help="USCC[,name]: print a 粤商码 for it")
    p.add_argument("--ttl", type=float, default=3600, help="seconds each printed code stays valid")
    p.add_argument("--answer-key", type=Path, help="PKCS#8 file of the SM2 key answers are signed with "
                                                     "(made the first time); without it a new key each start")
    args = p.parse_args(argv)
    signer = load_or_create_signer(args.answer_key) if args.answer_key else None
    sim = IdentityGatewaySimulator(args.app_id, bytes.fromhex(args.app_key), args.host, args.port,
                                   answer_signer=signer).start()
    print(f"identity gateway simulator listening on {sim.url}", flush=True)
    print(f"answer public key: {sim.public_key}", flush=True)
    for spec, issue in [(s, sim.person) for s in args.person] + [(s, sim.business) for s in args.business]:
        value, _, name = spec.partition(",")
        print(f"code for {value[:4]}…: {issue(value, name, args.ttl)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
