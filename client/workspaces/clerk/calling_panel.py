"""The calling panel (叫号): the current ticket and its timer, waiting counts for this window's businesses,
"why this ticket", held tickets, the latest rating, and every desk action by button, shortcut or keypad.
Actions run on the write worker (QueueDesk); the panel only shows what came back."""

from __future__ import annotations

from collections.abc import Callable

from client.i18n.labels import CLASS_NAMES, queue_error, reason_text
from gui.ops import Ops
from gui.qt import (QGridLayout, QGroupBox, QHBoxLayout, QKeySequence, QLabel, QLineEdit, QListWidget,
                       QListWidgetItem, QPushButton, QShortcut, Qt, QTimer, QVBoxLayout, Signal)
from client.services.queue_desk import DeskSnapshot, QueueDesk
from client.services.reference import Reference
from client.widgets.style import mark
from shared.errors import DomainError

RATINGS = {"very_satisfied": "非常满意", "satisfied": "满意", "basically_satisfied": "基本满意",
           "dissatisfied": "不满意", "very_dissatisfied": "非常不满意", None: "未评价"}
STATES = {"called": "已呼叫", "serving": "办理中"}
# (action, label, shortcut)
BUTTONS = (("call_next", "顺呼", "F1"), ("recall", "重呼", "F2"), ("start", "开始办理", "F3"),
           ("hold", "挂起", "F4"), ("transfer", "转移", "F5"), ("no_show", "过号", "F6"),
           ("pause", "暂停/恢复", "F7"), ("finish", "办结", "F8"))


class CallingPanel(QGroupBox):
    sig_snapshot = Signal(object)       # DeskSnapshot after each refresh
    sig_done = Signal(str, object)      # action, result
    sig_failed = Signal(str, str)       # action, error code
    sig_transfer_requested = Signal()

    def __init__(self, desk: QueueDesk, reference: Reference, ops: Ops, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.desk, self.reference, self.ops = desk, reference, ops
        self._snapshots = ops.latest()  # after each action and pull: an older snapshot never overwrites a newer one
        self.snapshot: DeskSnapshot | None = None
        self.setTitle(self.tr("叫号 · {0}").format(desk.window.name or f"{desk.window.number}号窗口"))
        self.ticket = QLabel("—")
        self.ticket.setObjectName("ticket")
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state = QLabel(self.tr("空闲"))
        self.state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.business = QLabel("")
        self.business.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.booked_name = QLabel("")
        self.booked_name.setObjectName("booked_name")
        self.booked_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.why.setObjectName("muted")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (name, label, key) in enumerate(BUTTONS):
            button = QPushButton(f"{self.tr(label)}  {key}")
            button.setMinimumHeight(34)
            button.clicked.connect(lambda _=False, n=name: self.perform(n))
            QShortcut(QKeySequence(key), self, activated=lambda n=name: self.perform(n),
                      context=Qt.ShortcutContext.WindowShortcut)
            self.buttons[name] = button
            grid.addWidget(button, i // 2, i % 2)
        mark(self.buttons["call_next"])
        mark(self.buttons["finish"])
        self.specific = QLineEdit()
        self.specific.setPlaceholderText(self.tr("号码，如 A023"))
        call_specific = QPushButton(self.tr("特呼"))
        call_specific.clicked.connect(lambda: self.perform("call_specific", self.specific.text()))
        self.specific.returnPressed.connect(call_specific.click)
        specific_row = QHBoxLayout()
        specific_row.addWidget(self.specific, 1)
        specific_row.addWidget(call_specific)
        self.waiting = QLabel("")
        self.waiting.setWordWrap(True)
        self.held = QListWidget()
        self.held.setMaximumHeight(72)
        self.held.itemActivated.connect(lambda item: self.perform("call_back", item.data(Qt.ItemDataRole.UserRole)))
        self.rating = QLabel("")
        layout = QVBoxLayout(self)
        for w in (self.ticket, self.state, self.business, self.booked_name):
            layout.addWidget(w)
        layout.addLayout(grid)
        layout.addLayout(specific_row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("为什么叫这个号")))
        layout.addWidget(self.why)
        layout.addWidget(QLabel(self.tr("等候人数")))
        layout.addWidget(self.waiting)
        layout.addWidget(QLabel(self.tr("挂起的号（双击召回）")))
        layout.addWidget(self.held)
        layout.addWidget(self.rating)
        layout.addStretch(1)
        self.clock = QTimer(self)
        self.clock.timeout.connect(self._tick)
        self.clock.start(1000)
        self.poll = QTimer(self)
        self.poll.timeout.connect(self.refresh)
        self.poll.start(3000)
        self.refresh()

    # -- actions -----------------------------------------------------------------------------------------
    def perform(self, action: str, arg: object = None, reply: Callable[[bool], None] | None = None) -> None:
        """Run a desk action off the GUI thread; `reply(refused)` is for the keypad's LCD."""
        if action == "transfer" and arg is None:
            self.sig_transfer_requested.emit()
            return
        fn = self._action(action, arg)
        def done(result: object) -> None:
            self.message.setObjectName("ok")
            self.message.setText(self._done_text(action, result))
            self.message.setStyleSheet("color: #2e7d32;")
            self.sig_done.emit(action, result)
            self.refresh(lambda _: reply(False) if reply else None)
        def failed(error: Exception) -> None:
            code = error.code if isinstance(error, DomainError) else "internal_error"
            self.message.setText(queue_error(code) if code != "internal_error" else self.tr("操作失败：{0}").format(error))
            self.message.setStyleSheet("color: #c62828;")
            self.sig_failed.emit(action, code)
            if reply:
                reply(True)
        self.ops.write(fn, on_done=done, on_error=failed)

    def _action(self, action: str, arg: object) -> Callable[[], object]:
        desk = self.desk
        if action == "pause":
            paused = bool(self.snapshot and self.snapshot.paused)
            return desk.resume if paused else desk.pause
        if action == "call_specific":
            return lambda: desk.call_specific(str(arg))
        if action == "call_back":
            return lambda: desk.call_back(str(arg))
        if action == "transfer":
            return lambda: desk.transfer(**arg)  # type: ignore[arg-type]
        return getattr(desk, action)

    def _done_text(self, action: str, result: object) -> str:
        number = getattr(getattr(result, "ticket", result), "number", "")
        texts = {"call_next": "已呼叫 {n}", "call_specific": "已特呼 {n}", "recall": "已重呼 {n}",
                 "start": "{n} 开始办理", "finish": "{n} 已办结，请群众在评价器上评价", "hold": "{n} 已挂起",
                 "no_show": "{n} 已过号", "transfer": "{n} 已转移", "call_back": "已召回 {n}",
                 "pause": "已恢复服务" if self.snapshot and self.snapshot.paused else "本窗口已暂停服务"}
        return self.tr(texts.get(action, "完成")).format(n=number)

    # -- showing -----------------------------------------------------------------------------------------
    def refresh(self, then: Callable[[DeskSnapshot], None] | None = None) -> None:
        def shown(snapshot: DeskSnapshot) -> None:
            self._show(snapshot)
            if then:
                then(snapshot)
        self._snapshots.run(self.desk.snapshot, on_done=shown)

    def _show(self, s: DeskSnapshot) -> None:
        self.snapshot = s
        names = {b: n for b, (_, n) in self.reference.businesses.items()}
        if s.current:
            self.ticket.setText(s.current.number)
            self.business.setText(f"{names.get(s.current.business_id, '')} · "
                                  f"{CLASS_NAMES[int(s.current.priority_class)]}")
        else:
            self.ticket.setText("—")
            self.business.setText(self.tr("本窗口已暂停") if s.paused else "")
        self.booked_name.setText(self.tr("预约人：{0}").format(s.booked_name) if s.current and s.booked_name else "")
        self.booked_name.setVisible(bool(self.booked_name.text()))
        self._tick()
        decision = s.last_decision if s.current else s.preview
        lead = self.tr("本次：") if s.current else self.tr("下一位：{0}　").format(s.preview.ticket.number) if s.preview else ""
        self.why.setText(lead + "；".join(reason_text(r, names) for r in decision.reasons) if decision
                         else self.tr("当前无人等候"))
        self.waiting.setText("　".join(f"{names.get(b, b)}：{n} 人" for b, n in s.waiting.items()))
        self.held.clear()
        for t in s.held:
            item = QListWidgetItem(f"{t.number}　{names.get(t.business_id, '')}")
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            self.held.addItem(item)
        if s.rating:
            self.rating.setText(self.tr("最近评价：{0}").format(RATINGS.get(s.rating.get("level"), "")))
        busy = s.current is not None
        state = s.current.state.value if busy else ""
        for name, enabled in (("call_next", not busy and not s.paused), ("recall", state == "called"),
                              ("start", state == "called"), ("hold", busy), ("transfer", busy),
                              ("no_show", state == "called"), ("finish", state == "serving")):
            self.buttons[name].setEnabled(enabled)
        self.sig_snapshot.emit(s)

    def _tick(self) -> None:
        s = self.snapshot
        if not s or not s.current or not s.current.current_period:
            self.state.setText(self.tr("暂停中") if s and s.paused else self.tr("空闲"))
            return
        seconds = max(0, int((self.desk.clock() - s.current.current_period.start).total_seconds()))
        self.state.setText(f"{self.tr(STATES.get(s.current.state.value, ''))} · {seconds // 60:02d}:{seconds % 60:02d}")
