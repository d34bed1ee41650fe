"""What the dispenser shows after a choice: working, the ticket, a refusal, or a printer problem with the two
honest ways out (print again, or "不打印，记住号码")."""

from __future__ import annotations

from gui.qt import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget, Qt, Signal
from kiosk import texts
from kiosk.widgets.common import Card, button, label
from kiosk.widgets.qr import qr_pixmap
from kiosk.widgets.theme import RED, Theme

CENTER = Qt.AlignmentFlag.AlignCenter


def show_number(target: QLabel, number: str, theme: Theme) -> None:
    """Big, but a device-suffixed fallback number ("A-1F2E3D-001") must still fit a portrait screen."""
    target.setText(number)
    target.setStyleSheet(f"font-size: {theme.px(200) if len(number) <= 5 else int(96 * theme.fit)}px;")


class BusyScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(label(self.tr("正在为您取号，请稍候…"), "title", align=CENTER))
        box.addStretch(1)


class TicketScreen(QWidget):
    """The ticket as printed (or to remember): number, business, people ahead, wait, time, QR to follow."""

    sig_done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        self.headline = label("", "title", align=CENTER)
        self.notice = label("", "subtitle", align=CENTER)
        card = Card()
        self.number = label("", "bignumber", align=CENTER)
        self.business = label("", "title", align=CENTER)
        self.facts = label("", "message", align=CENTER)
        self.qr = QLabel(alignment=CENTER)
        self.qr_hint = label(self.tr("微信扫码，随时查看排队进度"), "hint", align=CENTER)
        # The ticket beside its QR code on a landscape screen, above it on a portrait one.
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        ticket, follow = QVBoxLayout(), QVBoxLayout()
        for w in (self.number, self.business, self.facts):
            ticket.addWidget(w)
        follow.addStretch(1)
        follow.addWidget(self.qr)
        follow.addWidget(self.qr_hint)
        follow.addStretch(1)
        self.body.addLayout(ticket, 1)
        self.body.addLayout(follow)
        card.box.addLayout(self.body)
        done = button(self.tr("完成"))
        done.clicked.connect(self.sig_done)
        box.addWidget(self.headline)
        box.addWidget(self.notice)
        box.addWidget(card, 1)
        box.addWidget(done)
        self.url = ""
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.box.setContentsMargins(theme.px(60), theme.px(40), theme.px(60), theme.px(40))
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if theme.landscape
                               else QBoxLayout.Direction.TopToBottom)
        if self.number.text():
            show_number(self.number, self.number.text(), theme)
        if self.url:
            self.qr.setPixmap(qr_pixmap(self.url, theme.px(220)))

    def show_ticket(self, prepared, printed: bool, at: str, follow_url: str) -> None:  # noqa: ANN001
        t = prepared.ticket
        self.headline.setText(self.tr("取号成功，请取走号票") if printed else self.tr("未打印号票，请记住您的号码"))
        notice = ""
        if prepared.appointment_at is not None:
            notice = self.tr("您预约了 {time} 的{business}，已为您取号").format(
                time=prepared.appointment_at.strftime("%H:%M"), business=prepared.business_name)
        if prepared.number_kind != "live":
            notice += ("\n" if notice else "") + self.tr("网络中断期间发放的号码，叫号顺序不受影响")
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        show_number(self.number, t.number, self.theme)
        self.business.setText(prepared.business_name)
        if t.green_reason is not None:  # the class the rule gave it (a class the business no longer offers: none)
            self.business.setText(self.tr("{business}（{priority}优先）").format(
                business=prepared.business_name, priority=texts.priority_text(t.green_reason.value)))
        self.facts.setText(self.tr("您前面还有 {n} 人等候\n预计等候：{wait}\n取号时间 {at}").format(
            n=prepared.people_ahead, wait=texts.minutes(prepared.wait), at=at))
        if prepared.phone_masked:
            self.facts.setText(self.facts.text() + "\n" + self.tr("手机 {phone}（临近叫号短信提醒）").format(
                phone=prepared.phone_masked))
        self.qr.setVisible(bool(follow_url))
        self.qr_hint.setVisible(bool(follow_url))
        self.url = follow_url
        if follow_url:
            self.qr.setPixmap(qr_pixmap(follow_url, self.theme.px(220)))


class MessageScreen(QWidget):
    """A refusal or a printer problem in plain words, with big buttons."""

    sig_home = Signal()
    sig_retry = Signal()
    sig_keep = Signal()

    def __init__(self, theme: Theme = Theme()) -> None:
        super().__init__()
        self.box = box = QVBoxLayout(self)
        box.addStretch(1)
        self.icon = label("!", align=CENTER)
        self.title = label("", "title", align=CENTER)
        self.message = label("", "message", align=CENTER)
        self.number = label("", "bignumber", align=CENTER)
        for w in (self.icon, self.title, self.message, self.number):
            box.addWidget(w)
        box.addStretch(1)
        self.retry = button(self.tr("重新打印"))
        self.keep = button(self.tr("不打印，记住号码"), "secondary")
        self.home = button(self.tr("返回首页"), "secondary")
        self.retry.clicked.connect(self.sig_retry)
        self.keep.clicked.connect(self.sig_keep)
        self.home.clicked.connect(self.sig_home)
        row = QHBoxLayout()
        row.addWidget(self.retry)
        row.addWidget(self.keep)
        box.addLayout(row)
        box.addWidget(self.home)
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.box.setContentsMargins(*[theme.px(60)] * 4)
        self.icon.setStyleSheet(f"font-size: {theme.px(140)}px; font-weight: bold; color: {RED};")
        if self.number.text():
            show_number(self.number, self.number.text(), theme)

    def show_refusal(self, code: str) -> None:
        self.title.setText(self.tr("暂时无法为您取号"))
        self.message.setText(texts.refusal_text(code))
        self.number.hide()
        self.retry.hide()
        self.keep.hide()

    def show_print_failure(self, code: str, number: str) -> None:
        self.title.setText(texts.device_text(code))
        show_number(self.number, number, self.theme)
        self.message.setText(self.tr("工作人员已收到提醒。您可以重新打印，或不打印并记住下面的号码；"
                                     "返回首页则本次不取号。"))
        self.number.show()
        self.retry.show()
        self.keep.show()
