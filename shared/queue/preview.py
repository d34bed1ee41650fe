"""规则预览: what a dispenser would do with a ticket request under draft rules, before an admin saves them. It
runs the very checks a dispenser runs (issuance.admit, issuance.remaining) on a draft business and quota built
the way a dispenser builds them (hall_rules.quota_of), so the answer is the dispenser's answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from shared.queue.config import Business, Quota
from shared.queue.errors import IssueRefused
from shared.queue.issuance import IssuedCounts, IssueRequest, admit, remaining
from shared.queue.messages import message_for
from shared.queue.tickets import Channel


@dataclass(frozen=True)
class Preview:
    issued: bool
    code: str | None = None          # the refusal's code when not issued
    left_after: int | None = None    # tickets still available after this one (None: unlimited)
    limited_by: str | None = None    # "daily", "am" or "pm"
    details: dict[str, Any] = field(default_factory=dict)

    def text(self, business: Business) -> str:
        """The answer in the words a citizen at the dispenser would read, plus what is left."""
        if not self.issued:
            extra = ""
            if "resumes_at" in self.details:
                extra = f"（{self.details['resumes_at'][:5]}恢复取号）"
            elif "opens_at" in self.details:
                extra = f"（取号时间{self.details['opens_at'][:5]}–{self.details['closes_at'][:5]}）"
            return f"不出号：{message_for(self.code or '')}{extra}"
        if self.left_after is None:
            return f"出号：{business.prefix}类号码，不限号"
        half = {"daily": "今日", "am": "上午", "pm": "下午"}.get(self.limited_by or "", "")
        return f"出号：{business.prefix}类号码，出号后{half}还剩{self.left_after}个号"


def preview(business: Business, quota: Quota | None, at: dt.datetime, counts: IssuedCounts) -> Preview:
    """A walk-in ticket taken at the dispenser at `at` (hall-local, aware) with `counts` already issued today."""
    try:
        admit(IssueRequest(business.id, Channel.DISPENSER, at), business, quota, counts, ())
    except IssueRefused as refused:
        details = {k: v for k, v in refused.details.items() if k != "code"}
        return Preview(False, refused.code, details=details)
    left = remaining(quota, counts.after_issue(quota, at), at)
    return Preview(True, left_after=left.count, limited_by=left.limited_by)
