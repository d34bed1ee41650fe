"""Chinese texts for codes the kiosk shows: queue refusals come from shared.queue.messages; device and kiosk
codes are worded here, through Qt's translate so Linguist can extract them."""

from __future__ import annotations

from gui.qt import QCoreApplication
from shared.queue.messages import MESSAGES


def tr(text: str) -> str:
    """A text chosen at run time (e.g. a shared.queue message); literals below call translate() directly so
    pyside6-lupdate finds them in context "Kiosk"."""
    return QCoreApplication.translate("Kiosk", text)


def device_text(code: str) -> str:
    texts = {
        "printer_paper_out": QCoreApplication.translate("Kiosk", "取号机缺纸，暂时无法打印号票"),
        "printer_cover_open": QCoreApplication.translate("Kiosk", "打印机盖未关好，暂时无法打印号票"),
        "printer_offline": QCoreApplication.translate("Kiosk", "打印机未就绪，暂时无法打印号票"),
        "printer_print_incomplete": QCoreApplication.translate("Kiosk", "号票未能完整打印"),
        "device_unavailable": QCoreApplication.translate("Kiosk", "打印机未连接"),
        "device_timeout": QCoreApplication.translate("Kiosk", "打印机无响应"),
        "no_printer": QCoreApplication.translate("Kiosk", "本机未配置打印机"),
    }
    return texts.get(code, QCoreApplication.translate("Kiosk", "打印机故障，暂时无法打印号票"))


def refusal_text(code: str) -> str:
    kiosk = {
        "qr_unreadable": QCoreApplication.translate("Kiosk", "无法识别该二维码，请出示粤省事码或刷身份证"),
        "no_appointment": QCoreApplication.translate("Kiosk", "未查询到您今天的预约"),
        "internal_error": QCoreApplication.translate("Kiosk", "系统繁忙，请稍后再试或咨询工作人员"),
        "phone_ticket_unavailable": QCoreApplication.translate("Kiosk", "本机暂不能手机号取号，请点击业务取号"),
        "identity_code_expired": QCoreApplication.translate("Kiosk", "该码已过期，请在手机上刷新后重新出示"),
        "identity_code_invalid": QCoreApplication.translate("Kiosk", "无法核验该码，请刷身份证或点击业务取号"),
        "identity_gateway_offline": QCoreApplication.translate(
            "Kiosk", "暂时无法连接省级平台核验粤省事码，请刷身份证或直接点击业务取号"),
        "identity_gateway_refused": QCoreApplication.translate(
            "Kiosk", "本机暂不能核验粤省事码，请刷身份证或点击业务取号，并告知工作人员"),
        "identity_gateway_answer_invalid": QCoreApplication.translate(
            "Kiosk", "核验结果有误，请刷身份证或点击业务取号"),
        "identity_gateway_answer_forged": QCoreApplication.translate(
            "Kiosk", "核验结果未通过省级平台签名校验，未予采信。请刷身份证或点击业务取号，并告知工作人员"),
        "identity_gateway_unconfigured": QCoreApplication.translate(
            "Kiosk", "本机暂不支持粤省事码，请刷身份证或点击业务取号"),
    }
    if code in kiosk:
        return kiosk[code]
    return tr(MESSAGES.get(code) or "操作未能完成，请咨询工作人员")


def priority_text(reason: str) -> str:
    """A priority class (green-channel reason, shared.queue.tickets.GreenChannelReason) as a citizen reads it."""
    texts = {
        "elderly": QCoreApplication.translate("Kiosk", "老年人"),
        "disabled": QCoreApplication.translate("Kiosk", "残疾人"),
        "pregnant": QCoreApplication.translate("Kiosk", "孕妇"),
        "veteran": QCoreApplication.translate("Kiosk", "军人"),
    }
    return texts.get(reason, reason)


def minutes(wait) -> str:  # noqa: ANN001  datetime.timedelta | None
    if wait is None:
        return QCoreApplication.translate("Kiosk", "暂无法估算")
    if wait.total_seconds() < 30:
        return QCoreApplication.translate("Kiosk", "即将叫号")
    n = max(1, round(wait.total_seconds() / 60))
    return QCoreApplication.translate("Kiosk", "约 {n} 分钟").format(n=n)
