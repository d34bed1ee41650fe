"""Chinese texts for codes the kiosk shows: queue refusals come from shared.queue.messages; device and kiosk
codes are worded here, through Qt's translate so Linguist can extract them."""

from __future__ import annotations

from client.qt import QCoreApplication
from shared.queue.appointment_qr import MESSAGES as QR_MESSAGES
from shared.queue.messages import MESSAGES


def tr(text: str) -> str:
    return QCoreApplication.translate("Kiosk", text)


_t = tr


def device_text(code: str) -> str:
    texts = {
        "printer_paper_out": _t("取号机缺纸，暂时无法打印号票"),
        "printer_cover_open": _t("打印机盖未关好，暂时无法打印号票"),
        "printer_offline": _t("打印机未就绪，暂时无法打印号票"),
        "printer_print_incomplete": _t("号票未能完整打印"),
        "device_unavailable": _t("打印机未连接"),
        "device_timeout": _t("打印机无响应"),
        "no_printer": _t("本机未配置打印机"),
    }
    return texts.get(code, _t("打印机故障，暂时无法打印号票"))


def refusal_text(code: str) -> str:
    kiosk = {
        "qr_unreadable": _t("无法识别该二维码，请出示粤省事码或刷身份证"),
        "no_appointment": _t("未查询到您今天的预约"),
        "internal_error": _t("系统繁忙，请稍后再试或咨询工作人员"),
    }
    if code in kiosk:
        return kiosk[code]
    return _t(MESSAGES.get(code) or QR_MESSAGES.get(code) or "操作未能完成，请咨询工作人员")


def minutes(wait) -> str:  # noqa: ANN001  datetime.timedelta | None
    if wait is None:
        return _t("暂无法估算")
    if wait.total_seconds() < 30:
        return _t("即将叫号")
    n = max(1, round(wait.total_seconds() / 60))
    return _t("约 {n} 分钟").format(n=n)


def mask_id(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:] if len(number) == 18 else number
