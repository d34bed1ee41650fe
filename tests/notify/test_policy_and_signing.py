"""Backoff grows exponentially with jitter inside [ceiling/2, ceiling]; the hourly cap per phone; TC3 signing
is deterministic and sensitive to every signed part."""

from __future__ import annotations

import datetime as dt
import random

from server.notify import tc3
from server.notify.policy import HOUR, Policy, backoff, rate_limited_until

T0 = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.timezone.utc)


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = Policy(retry_base=dt.timedelta(seconds=30), retry_max=dt.timedelta(minutes=10))
    rng = random.Random(7)
    for attempts, ceiling in ((1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 600), (9, 600)):
        waits = [backoff(attempts, policy, rng).total_seconds() for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > ceiling / 4  # jittered, not one fixed delay


def test_hourly_cap_per_phone() -> None:
    policy = Policy(per_phone_per_hour=3)
    sent = [T0, T0 + dt.timedelta(minutes=10)]
    assert rate_limited_until(sent, policy) is None
    sent.append(T0 + dt.timedelta(minutes=20))
    assert rate_limited_until(sent, policy) == T0 + HOUR  # when the oldest of the three leaves the hour


def test_tc3_signature_covers_body_action_host_and_time() -> None:
    args = dict(host="sms.tencentcloudapi.com", action="SendSms", body=b'{"a":1}', timestamp=1764900000)
    sig = tc3.signature("key", service="sms", **args)
    assert sig == tc3.signature("key", service="sms", **args) and len(sig) == 64
    for change in ({"body": b'{"a":2}'}, {"action": "PullSmsSendStatus"}, {"host": "evil"}, {"timestamp": 1764900001}):
        assert tc3.signature("key", service="sms", **{**args, **change}) != sig
    assert tc3.signature("other", service="sms", **args) != sig
    header = tc3.authorization("AKID", "key", **args)
    parsed = tc3.parse_authorization(header)
    assert parsed == {"secret_id": "AKID", "day": "2025-12-05", "service": "sms",
                      "signed_headers": "content-type;host;x-tc-action", "signature": sig}
