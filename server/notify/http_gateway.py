"""SMS over an HTTP provider API: Tencent Cloud SMS, API 3.0 (version 2021-01-11) — `SendSms` with a JSON body
(PhoneNumberSet, SmsSdkAppId, SignName, TemplateId, TemplateParamSet, SessionContext), `PullSmsSendStatus` for
delivery reports and `PullSmsReplyStatus` for citizens' replies, every request signed TC3-HMAC-SHA256
(server/notify/tc3.py). The provider keeps the approved template texts under ids; `template_ids` maps our
events to them (default: the event's own name, as the simulator knows them)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from server.notify import tc3
from server.notify.gateway import GatewayRefused, GatewayUnavailable, Outgoing, Replies, Report, Reply

API_VERSION = "2021-01-11"
# Errors that say "not now" rather than "never this message": retried with backoff.
TRANSIENT = ("InternalError", "RequestLimitExceeded", "LimitExceeded", "AuthFailure", "ResourceUnavailable",
             "FailedOperation.InsufficientBalanceInSmsPackage")


class HttpSmsGateway:
    name = "http"

    def __init__(self, endpoint: str, secret_id: str, secret_key: str, *, app_id: str, sign_name: str,
                 region: str = "ap-guangzhou", template_ids: dict[str, str] | None = None, timeout: float = 5.0,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.endpoint, self.host = endpoint.rstrip("/") + "/", urlsplit(endpoint).netloc
        self.secret_id, self.secret_key, self.app_id, self.sign_name = secret_id, secret_key, app_id, sign_name
        self.region, self.template_ids, self.timeout, self.clock = region, template_ids or {}, timeout, clock
        self.http = requests.Session()

    def _call(self, action: str, payload: dict) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        stamp = int(self.clock().timestamp())
        headers = {"Content-Type": tc3.CONTENT_TYPE, "Host": self.host, "X-TC-Action": action,
                   "X-TC-Version": API_VERSION, "X-TC-Timestamp": str(stamp), "X-TC-Region": self.region,
                   "Authorization": tc3.authorization(self.secret_id, self.secret_key, host=self.host,
                                                      action=action, body=body, timestamp=stamp)}
        try:
            answer = self.http.post(self.endpoint, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"SMS API unreachable: {type(exc).__name__}") from exc
        if answer.status_code >= 500:
            raise GatewayUnavailable(f"SMS API answered HTTP {answer.status_code}")
        try:
            response = answer.json()["Response"]
        except (ValueError, KeyError) as exc:
            raise GatewayUnavailable("SMS API answered something that is not its JSON") from exc
        error = response.get("Error")
        if error:
            code = error.get("Code", "")
            text = f"{code}: {error.get('Message', '')}"[:200]
            raise (GatewayUnavailable if code.startswith(TRANSIENT) else GatewayRefused)(text)
        return response

    def send(self, message: Outgoing) -> str:
        response = self._call("SendSms", {
            "PhoneNumberSet": ["+86" + message.phone], "SmsSdkAppId": self.app_id, "SignName": self.sign_name,
            "TemplateId": self.template_ids.get(message.event, message.event),
            "TemplateParamSet": message.params, "SessionContext": message.notification_id})
        status = (response.get("SendStatusSet") or [{}])[0]
        if status.get("Code") != "Ok":
            code = status.get("Code", "no status")
            text = f"{code}: {status.get('Message', '')}"[:200]
            raise (GatewayUnavailable if code.startswith(TRANSIENT) else GatewayRefused)(text)
        return status["SerialNo"]

    def poll(self) -> Replies:
        reports = [Report(s["SerialNo"], s.get("ReportStatus") == "SUCCESS", s.get("ReportStatus", ""))
                   for s in self._call("PullSmsSendStatus", {"Limit": 100, "SmsSdkAppId": self.app_id})
                   .get("PullSmsSendStatusSet") or []]
        replies = [Reply(s.get("SubscriberNumber") or s["PhoneNumber"].removeprefix("+86"), s.get("ReplyContent", ""))
                   for s in self._call("PullSmsReplyStatus", {"Limit": 100, "SmsSdkAppId": self.app_id})
                   .get("PullSmsReplyStatusSet") or []]
        return reports, replies

    def close(self) -> None:
        self.http.close()
