"""What goes on a queue ticket (取号凭条). Labels are user-facing Chinese and can be overridden per hall."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TicketLabels:
    business: str = "办理业务："
    people_ahead: str = "您前面还有 {n} 人等候"
    issued_at: str = "取号时间："
    phone: str = "手机号码："
    priority: str = "优先类别："
    follow_qr: str = "微信扫码，随时查看排队进度"
    footer: str = "请留意叫号，过号需重新取号"


@dataclass(frozen=True)
class Ticket:
    hall_name: str
    number: str  # e.g. "A023"
    business: str
    people_ahead: int
    issued_at: dt.datetime
    follow_url: str = ""  # printed as a QR code when set
    labels: TicketLabels = field(default_factory=TicketLabels)
    phone: str = ""  # 手机号取号: the number as printed, already masked (138****1234)
    priority: str = ""  # the ticket's priority class as printed (e.g. 军人), empty for a normal ticket
