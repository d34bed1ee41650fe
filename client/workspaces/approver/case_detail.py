"""One case: who applied (masked), the materials with their received files (查看 opens the viewer), the clocks
with their cards, the history with every earlier opinion, the supervisions and their replies, and what the user
may do now (ActionBox)."""

from __future__ import annotations

from html import escape

from client.i18n.labels import CARDS, action_text, mismatch_text, status_text
from gui.qt import (QGroupBox, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QTabWidget, QTextBrowser,
                       QTimer, QVBoxLayout, QWidget, Qt, Signal)
from client.services.cases import CaseDetail
from client.services.material_files import MaterialFile, MaterialSource
from client.widgets.material_viewer import MaterialFileTable, MaterialViewerDialog
from gui.ops import Ops
from shared.queue.clock import CHINA_TZ
from client.widgets.action_box import ActionBox
from shared.approval.clocks import Clock
from shared.approval.lifecycle import Action

CLOCK_NAMES = {"statutory": "法定时限", "promised": "承诺时限", "issue": "颁发送达时限"}  # Art. 44: to 送达
CARD_STYLE = {"red_card": "color:#c62828;font-weight:bold", "yellow_card": "color:#8a5a00;font-weight:bold",
              "green": "color:#2e7d32"}


class CaseDetailPanel(QScrollArea):
    sig_files_shown = Signal(list)     # the MaterialFiles listed for the case on screen
    sig_viewer_opened = Signal(object)  # MaterialViewerDialog
    sig_licence_link = Signal(str)      # the number of the licence a 延续/变更 case names: open it in 证照库

    def __init__(self, staff_name, catalogue, parent=None, *, ops: Ops | None = None,  # noqa: ANN001 - username → display name
                 materials: MaterialSource | None = None) -> None:
        super().__init__(parent)
        self.staff_name = staff_name
        self.ops, self.material_source = ops, materials
        self.case_id: str | None = None
        self.case_title = ""
        self.items = {c.item_code: c for c in catalogue.choices}
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        self.body = body
        self.title = QLabel(self.tr("请选择左侧列表中的办件"))
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        # 延续/变更: which licence the case renews or changes, linked to the register when the user may read it
        self.licence = QLabel("")
        self.licence.setObjectName("licence_link")
        self.licence.setWordWrap(True)
        self.licence.setTextFormat(Qt.TextFormat.RichText)
        self.licence.linkActivated.connect(lambda href: self.sig_licence_link.emit(href.removeprefix("licence:")))
        self.licence.setVisible(False)
        self.links_licences = False  # set by the workspace when it can open 证照库
        self.clocks = QLabel("")
        self.clocks.setWordWrap(True)
        self.materials = QLabel("")
        self.materials.setWordWrap(True)
        self.files_summary = QLabel(self.tr("未收到材料文件"))
        self.history = QTextBrowser()
        # It scrolls by itself: it takes what is left (at least 64 px, two entries) so the actions below stay on a
        # 1366×768 screen with the notice buttons under the detail.
        self.history.setMinimumHeight(64)
        self.history.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.actions = ActionBox()
        info = QGroupBox(self.tr("申请信息"))
        QVBoxLayout(info).addWidget(self.summary)
        info.layout().addWidget(self.licence)
        info.layout().addWidget(self.materials)
        # the received files: listed from the local cache off the GUI thread, opened in the viewer; a tab
        # beside the history so the actions stay on a 1366×768 screen, counted in the application's summary
        self.file_table = MaterialFileTable(view_buttons=True)
        self.file_table.sig_view.connect(self.open_viewer)
        self.no_files = QLabel(self.tr("未收到材料文件"))
        self.no_files.setObjectName("muted")
        files = QWidget()
        QVBoxLayout(files).addWidget(self.no_files)
        files.layout().addWidget(self.file_table)
        files.layout().addStretch(1)
        self.file_table.setVisible(False)
        clocks = QGroupBox(self.tr("办理时限"))
        QVBoxLayout(clocks).addWidget(self.clocks)
        top = QHBoxLayout()
        top.addWidget(info, 3)
        top.addWidget(clocks, 2)
        self.lower = QTabWidget()
        self.lower.addTab(self.history, self.tr("办理过程与意见"))
        self.lower.addTab(files, self.tr("材料文件"))
        self.lower.setMinimumHeight(98)  # the history's 64 px and the tab bar
        self.lower.setCornerWidget(self.files_summary, Qt.Corner.TopRightCorner)  # beside the tabs: no height taken
        self.lower.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(body)
        # the case's notices (文书) sit beside its title: below the detail they took the height the actions need
        self.title_row = QHBoxLayout()
        self.title_row.addWidget(self.title, 1)
        layout.addLayout(self.title_row)
        layout.addLayout(top)
        layout.addWidget(self.lower, 1)
        layout.addWidget(self.actions)
        self.actions.setVisible(False)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().resizeEvent(event)
        self._fit_body()

    def _fit_body(self) -> None:
        """Scroll rather than squeeze: in large type at 1366×768 the detail is taller than the screen, and a
        wrapped label given less than its height for the width loses its last lines (a layout sizes group boxes
        of wrapped labels short), so each label asks for its height at the width it was given."""
        if self.actions.isVisible():
            QTimer.singleShot(0, self._grow_body)

    def _grow_body(self) -> None:
        for label in (self.summary, self.licence, self.materials, self.clocks):
            label.setMinimumHeight(max(0, label.heightForWidth(label.width())))

    def show_detail(self, d: CaseDetail) -> None:
        row, s = d.row, d.state
        item = self.items.get(s.item_code)
        situation = next((x.name for x in item.situations if x.code == s.situation_code), "") if item else ""
        self.title.setText(f"{row.get('case_number', s.case_id[:8])}　{item.item_name if item else s.item_code}")
        if s.case_id != self.case_id:  # after an action the same case comes back: keep its list
            self.case_id, self.case_title = s.case_id, str(row.get("case_number", s.case_id[:8]))
            self._load_files(s.case_id)
        steps = "、".join(d.definition.step(x).display_name for x in s.current_steps) or "—"
        self.summary.setText(self.tr(
            "办理情形：{sit}\n申请人：{name}　证件：{ident}\n当前状态：{status}　当前环节：{steps}{urgent}").format(
            sit=situation or s.situation_code, name=row.get("applicant_name", ""),
            ident=row.get("applicant_id_masked", ""), status=status_text(s.status.value), steps=steps,
            urgent=self.tr("　【急件】") if s.urgent else ""))
        self._show_licence(row)
        required = d.definition.required_materials
        missing = [m for m in required if m not in s.materials]
        text = self.tr("材料：已收 {0} 项").format(len(s.materials))
        if missing:
            text += self.tr("；缺：") + "、".join(missing)
        warnings = [mismatch_text(m) for m in row.get("mismatches") or []]
        if warnings:  # 信息比对 found by the server at receipt or acceptance
            text = self.tr("⚠ 信息比对：") + "；".join(warnings) + "\n" + text
        self.materials.setText(text + ("\n" + "、".join(sorted(s.materials)) if s.materials else ""))
        self.clocks.setText(self._clocks(d))
        self.history.setHtml(self._history(d))
        self.actions.setVisible(True)
        self.actions.show_detail(d)
        self._fit_body()

    def _show_licence(self, row: dict) -> None:
        action, number = row.get("licence_action") or "", row.get("named_licence_no") or ""
        self.licence.setVisible(bool(action))
        if not action:
            self.licence.clear()
            return
        kind = {"renew": self.tr("延续"), "change": self.tr("变更")}.get(action, action)
        if not number:  # not possible for a case the server accepted; said rather than hidden
            self.licence.setText(escape(self.tr("本件为{0}申请（证照编号未知）").format(kind)))
            return
        shown = (f"<a href='licence:{escape(number, quote=True)}'>{escape(number)}</a>" if self.links_licences
                 else escape(number))
        where = self.tr("（点击编号在证照库中查看）") if self.links_licences else ""
        self.licence.setText(escape(self.tr("本件为证照{0}申请，原证照编号：").format(kind)) + shown + escape(where))

    # -- material files ---------------------------------------------------------------------------------
    def _load_files(self, case_id: str) -> None:
        self._show_files(case_id, [])
        source = self.material_source
        if source is not None and self.ops is not None:
            self.ops.run(lambda: source.files(case_id), on_done=lambda files: self._show_files(case_id, files),
                         on_error=lambda _: self._show_files(case_id, [], failed=True))

    def _show_files(self, case_id: str, files: list[MaterialFile], failed: bool = False) -> None:
        if case_id != self.case_id:
            return  # another case was opened meanwhile
        self.file_table.set_files(files)
        self.file_table.setVisible(bool(files))
        self.no_files.setVisible(not files)
        none = self.tr("材料文件列表读取失败") if failed else self.tr("未收到材料文件")
        self.no_files.setText(none)
        waiting = sum(1 for f in files if f.path is None)
        summary = self.tr("材料文件：{0} 个").format(len(files)) if files else none
        if waiting:
            summary += self.tr("（{0} 个未同步到本机）").format(waiting)
        self.files_summary.setText(summary)
        self.lower.setTabText(1, self.tr("材料文件 ({0})").format(len(files)))
        self.sig_files_shown.emit(files)

    def open_viewer(self, row: int) -> MaterialViewerDialog | None:
        files = self.file_table.files
        if self.ops is None or not 0 <= row < len(files):
            return None
        dialog = MaterialViewerDialog(self.ops, files, self.case_title, row, self.window())
        dialog.show()
        self.sig_viewer_opened.emit(dialog)
        return dialog

    def _clock_line(self, name: str, c: Clock) -> str:
        if c.finished_on:
            state = self.tr("已于 {0} 完成").format(c.finished_on)
        elif c.stopped:
            state = self.tr("暂停计时（已用 {0} 个工作日）").format(c.used)
        else:
            state = (self.tr("{0} 到期，剩余 {1} 个工作日").format(c.due, c.remaining) if c.remaining >= 0
                     else self.tr("{0} 到期，已超期 {1} 个工作日").format(c.due, -c.remaining))
        card = f"<span style='{CARD_STYLE[c.card.value]}'>{CARDS[c.card.value]}</span>"
        provisional = self.tr("（日历未公布，暂估）") if c.provisional else ""
        return f"{escape(name)}：{state} {card}{provisional}"

    def _clocks(self, d: CaseDetail) -> str:
        v = d.view
        lines = [self._clock_line(self.tr(CLOCK_NAMES[c.name]), c) for c in v.case_clocks]
        for step, c in v.steps.items():
            lines.append(self._clock_line(self.tr("环节·{0}").format(d.definition.step(step).display_name), c))
        if v.art32 is not None and d.state.accepted_on is None:
            lines.append(self.tr("五日补正告知期限：{0}").format(getattr(v.art32, "deadline", "")))
        self.clocks.setTextFormat(self.clocks.textFormat().RichText)
        return "<br>".join(lines) or self.tr("尚未受理，法定时限未开始")

    def _history(self, d: CaseDetail) -> str:
        out = []
        for e in d.events:
            step = e.payload.get("step")
            step_name = d.definition.step(step).display_name if step else ""
            who = escape(self.staff_name(e.actor.user_id))
            when = e.at.astimezone(CHINA_TZ).strftime('%Y-%m-%d %H:%M')
            line = (f"<p><b>{when}</b>　{escape(action_text(e.action.value))}"
                    f"{'（' + escape(step_name) + '）' if step_name else ''}　{who}")
            if e.opinion:
                line += f"<br><span style='color:#1f5fa8'>意见：{escape(e.opinion)}</span>"
            for key in ("reason", "message", "reply"):
                if e.payload.get(key) and e.payload[key] != e.opinion:  # not twice when the opinion is the text
                    line += f"<br><span style='color:#555'>{escape(str(e.payload[key]))}</span>"
            if e.action is Action.MAKE_LICENCE:  # "" = numbered by rule; the server's number arrives with the sync
                number = e.payload.get("licence_no") or self.tr("按规则编号（同步后生成）")
                label = self.tr("证照编号：")
                line += f"<br><span style='color:#555'>{escape(label)}{escape(number)}</span>"
            if e.payload.get("items"):
                items = "；".join(f"{m}：{p}" for m, p in e.payload["items"])
                line += f"<br><span style='color:#8a5a00'>补正：{escape(items)}</span>"
            out.append(line + "</p>")
        for sup in d.state.supervisions:
            reply = (self.tr("已回复（{0}）：{1}").format(sup.replied_on, sup.reply) if sup.replied_on
                     else self.tr("待回复"))
            out.append(f"<p style='color:#c62828'>督办 {sup.opened_on}：{escape(sup.message)}<br>{escape(reply)}</p>")
        return "".join(out)
