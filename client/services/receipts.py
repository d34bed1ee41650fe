"""Counter receipts (受理回执 / 补正材料通知 / 不予受理通知) as ESC/POS bytes, built from the printer driver's pure
rendering pieces (drivers.printer.render): our own GB18030 text, a native QR code carrying the case number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drivers.printer.encoding import check_encoding
from drivers.printer.render import CHINESE_OFF, CHINESE_ON, INIT, PrinterProfile, align, cut, line, qr, size

TITLES = {"accepted": "受理回执", "correction": "补正材料通知", "rejected": "不予受理通知"}


@dataclass(frozen=True)
class Receipt:
    kind: str                      # accepted / correction / rejected
    hall_name: str
    case_no: str
    item: str
    applicant: str                 # masked
    at: dt.datetime
    clerk: str
    lines: tuple[str, ...] = ()    # materials to correct, the reason, the promised day …
    query_url: str = ""
    query_code: str = ""           # 查询码: with the case number it opens the progress on the phone pages


def render_receipt(r: Receipt, profile: PrinterProfile = PrinterProfile()) -> bytes:
    chinese = check_encoding(profile.encoding) != "utf-8"
    parts = [INIT, CHINESE_ON if chinese else b"", align(1), size(2, 2), line(r.hall_name, profile, 2),
             size(1, 1), line(TITLES[r.kind], profile), align(0),
             line(f"办件编号：{r.case_no}", profile), line(f"办理事项：{r.item}", profile),
             line(f"申请人：{r.applicant}", profile), line(f"经办人：{r.clerk}", profile),
             line(f"时间：{r.at.strftime('%Y-%m-%d %H:%M')}", profile)]
    if r.query_code:
        parts.append(line(f"查询码：{r.query_code}（凭办件编号和查询码在手机上查询进度）", profile))
    parts += [line(text, profile) for text in r.lines]
    url = r.query_url or r.case_no  # the signed verification URL (shared/verification.py) when the PC has the key
    caption = "扫码核验真伪" if r.query_url else "扫码查询办理进度"
    parts += [align(1), qr(url.encode("utf-8"), profile.qr_module), b"\n", line(caption, profile),
              align(0), CHINESE_OFF if chinese else b"", cut(profile)]
    return b"".join(parts)
