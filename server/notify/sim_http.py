"""A local stand-in for the Tencent Cloud SMS API 3.0 that records what it received: it checks each request's
TC3-HMAC-SHA256 signature and timestamp like the provider, renders SendSms from our templates (the provider
keeps the same texts under template ids), queues a SUCCESS status report per message for PullSmsSendStatus, and
lets a test or a person "reply" from a phone (PullSmsReplyStatus).

    python -m server.notify.sim_http --port 8811 --secret-id AKIDsim --secret-key simkey [--record sms.jsonl]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from server.notify import tc3
from server.notify.templates import TEMPLATES

MAX_SKEW_S = 300


@dataclass(frozen=True)
class Received:
    phone: str
    text: str
    serial_no: str
    session_context: str


class HttpSmsSimulator:
    def __init__(self, secret_id: str, secret_key: str, host: str = "127.0.0.1", port: int = 0,
                 record: str | None = None, clock=lambda: dt.datetime.now(dt.timezone.utc)) -> None:  # noqa: ANN001
        self.secret_id, self.secret_key, self.host, self.port = secret_id, secret_key, host, port
        self.record, self.clock = record, clock
        self.received: list[Received] = []
        self.refused: list[str] = []
        self._reports: list[dict] = []
        self._replies: list[dict] = []
        self._serials = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> HttpSmsSimulator:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the provider's endpoint

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers, body: no wait

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = sim.answer(dict(self.headers), body)
                raw = json.dumps({"Response": answer}, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True, name="sim-http-sms").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reply(self, phone: str, text: str) -> None:
        with self._lock:
            self._replies.append({"ExtendCode": "", "CountryCode": "86", "SubscriberNumber": phone,
                                  "PhoneNumber": "+86" + phone, "SignName": "", "ReplyContent": text,
                                  "ReplyUnixTime": int(self.clock().timestamp())})

    # --- the API ---------------------------------------------------------------------------------------------
    def answer(self, headers: dict, body: bytes) -> dict:
        headers = {k.lower(): v for k, v in headers.items()}
        refusal = self._check_signature(headers, body)
        if refusal:
            self.refused.append(refusal[0])
            return {"Error": {"Code": refusal[0], "Message": refusal[1]}, "RequestId": "sim"}
        payload = json.loads(body)
        action = headers.get("x-tc-action", "")
        if action == "SendSms":
            return self._send(payload)
        limit = payload.get("Limit", 100)
        with self._lock:
            if action == "PullSmsSendStatus":
                out, self._reports = self._reports[:limit], self._reports[limit:]
                return {"PullSmsSendStatusSet": out, "RequestId": "sim"}
            if action == "PullSmsReplyStatus":
                out, self._replies = self._replies[:limit], self._replies[limit:]
                return {"PullSmsReplyStatusSet": out, "RequestId": "sim"}
        return {"Error": {"Code": "InvalidAction", "Message": action}, "RequestId": "sim"}

    def _check_signature(self, headers: dict, body: bytes) -> tuple[str, str] | None:
        try:
            auth = tc3.parse_authorization(headers.get("authorization", ""))
            stamp = int(headers["x-tc-timestamp"])
        except (KeyError, ValueError):
            return "AuthFailure.InvalidAuthorization", "Authorization header malformed"
        if auth["secret_id"] != self.secret_id:
            return "AuthFailure.SecretIdNotFound", "unknown SecretId"
        if abs(self.clock().timestamp() - stamp) > MAX_SKEW_S:
            return "AuthFailure.SignatureExpire", "timestamp too far from the server's clock"
        expected = tc3.signature(self.secret_key, host=headers.get("host", ""), action=headers.get("x-tc-action", ""),
                                 body=body, timestamp=stamp, service=auth["service"])
        if expected != auth["signature"]:
            return "AuthFailure.SignatureFailure", "signature mismatch"
        return None

    def _send(self, payload: dict) -> dict:
        template = TEMPLATES.get(payload.get("TemplateId", ""))
        if template is None:
            return {"Error": {"Code": "FailedOperation.TemplateIncorrectOrUnapproved", "Message": "no such template"},
                    "RequestId": "sim"}
        values = dict(zip(template.params, payload.get("TemplateParamSet", [])))
        statuses = []
        for number in payload.get("PhoneNumberSet", []):
            phone = number.removeprefix("+86")
            if len(phone) != 11 or not phone.isdigit():
                statuses.append({"SerialNo": "", "PhoneNumber": number, "Message": "bad number",
                                 "Code": "InvalidParameterValue.IncorrectPhoneNumber"})
                continue
            serial = f"sim-{next(self._serials)}"
            text = template.render(values)
            with self._lock:
                self.received.append(Received(phone, text, serial, payload.get("SessionContext", "")))
                self._reports.append({"UserReceiveTime": self.clock().isoformat(), "CountryCode": "86",
                                      "SubscriberNumber": phone, "PhoneNumber": number, "SerialNo": serial,
                                      "ReportStatus": "SUCCESS", "Description": "用户短信送达成功",
                                      "SessionContext": payload.get("SessionContext", "")})
            if self.record:
                with open(self.record, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"phone": phone, "text": text, "serial": serial}, ensure_ascii=False) + "\n")
            statuses.append({"SerialNo": serial, "PhoneNumber": number, "Fee": 1, "Code": "Ok",
                             "Message": "send success", "SessionContext": payload.get("SessionContext", "")})
        return {"SendStatusSet": statuses, "RequestId": "sim"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tencent Cloud SMS API 3.0 simulator (records received SMS)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--secret-id", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--record", help="append each received message as a JSON line to this file")
    args = parser.parse_args(argv)
    sim = HttpSmsSimulator(args.secret_id, args.secret_key, args.host, args.port, args.record).start()
    print(f"SMS API simulator listening on {sim.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
