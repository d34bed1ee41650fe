"""A hall's public base URL (issue 17): what the admin may set, kept without a trailing slash; every other form
refused with its own reason, so no follow QR points somewhere other than the hall's own server page."""

from __future__ import annotations

import pytest

from shared.public_url import InvalidPublicUrl, public_base
from shared.queue.follow import follow_template


@pytest.mark.parametrize("given,kept", [
    ("", ""), ("   ", ""),
    ("https://zwfw.example.gov.cn", "https://zwfw.example.gov.cn"),
    ("https://zwfw.example.gov.cn/", "https://zwfw.example.gov.cn"),
    ("HTTPS://Zwfw.Example.GOV.cn:8443/govhall/", "https://zwfw.example.gov.cn:8443/govhall"),
    ("http://203.0.113.7:8765", "http://203.0.113.7:8765"),
    ("https://[2001:db8::1]:443/a-b_c/v1.2", "https://[2001:db8::1]:443/a-b_c/v1.2"),
])
def test_good_addresses_are_kept_plain(given: str, kept: str) -> None:
    assert public_base(given) == kept
    if kept:
        assert follow_template(kept).format(ticket="T1") == kept + "/m/q/T1"


@pytest.mark.parametrize("given,reason", [
    ("ftp://hall.example.cn", "scheme"), ("javascript:alert(1)", "scheme"), ("//hall.example.cn", "scheme"),
    ("hall.example.cn", "scheme"),
    ("https://user:pw@hall.example.cn", "userinfo"), ("https://evil.example@hall.example.cn", "userinfo"),
    ("https://hall.example.cn/?next=//evil", "query"), ("https://hall.example.cn/#x", "query"),
    ("https://hall.example.cn/a;b", "query"),
    ("https://hall.example.cn:99999", "port"), ("https://hall.example.cn:0", "host"),
    ("https://", "host"), ("https://-bad-.example", "host"), ("https://hall..example", "host"),
    ("https://hall.example.cn/../admin", "path"), ("https://hall.example.cn/./m", "path"),
    ("https://hall.example.cn//evil.example", "path"), ("https://hall.example.cn/a/../b", "path"),
    ("https://hall.example.cn/%2e%2e/", "characters"), ("https://hall.example.cn\\@evil.example", "characters"),
    ("https://hall.example.cn/{ticket}", "characters"), ("https://hall.example.cn/a b", "characters"),
    ("https://hall.example.cn/\x00", "characters"), ("https://h.example/" + "a" * 200, "too_long"),
])
def test_tricks_are_refused_with_their_reason(given: str, reason: str) -> None:
    with pytest.raises(InvalidPublicUrl) as refused:
        public_base(given)
    assert refused.value.code == "invalid_public_url" and refused.value.details["reason"] == reason
