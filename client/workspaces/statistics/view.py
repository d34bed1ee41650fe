"""One statistics view: filters, the table, its bar chart, drill-down to the rows behind a line (double-click),
export to a formatted .xlsx, print and PDF. What it shows is a StatTable computed off the GUI thread; the
export and the printout are made from that same table."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client.services.stat_tables import StatTable, display
from client.services.xlsx_export import write_xlsx
from gui.ops import Ops
from gui.qt import (QAbstractItemView, QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QColor,
                    QComboBox, QDateEdit, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPageLayout,
                    QPageSize, QPainter, QPrintDialog, QPrinter, QPushButton, QSplitter, QTableWidget,
                    QTableWidgetItem, QTextDocument, Qt, QUrl, QValueAxis, QVBoxLayout, QWidget, Signal)

CHART_LIMIT = 24  # bars beyond this many groups are unreadable: the chart shows the first ones, the table all
BAR_COLOURS = ("#3182ce", "#38a169", "#d69e2e", "#e53e3e", "#805ad5", "#718096")


@dataclass(frozen=True)
class Query:
    first: dt.date
    last: dt.date
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    table: StatTable
    context: Any = None     # what drill-down needs (the loaded rows)
    seconds: float = 0.0


class DrillDown(QDialog):
    def __init__(self, title: str, headers: list[str], rows: list[list[str]], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1000, 600)
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, row in enumerate(rows):
            for col, value in enumerate(row):
                self.table.setItem(i, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("共 {0} 条").format(len(rows))))
        layout.addWidget(self.table)


class StatView(QWidget):
    sig_shown = Signal(object)   # StatTable
    sig_failed = Signal(str)
    sig_drilled = Signal(object)  # the DrillDown dialog, once its rows are read

    def __init__(self, ops: Ops, compute: Callable[[Query], Result], groups: list[tuple[str, str]],
                 drill: Callable[[Result, tuple[str, ...]], tuple[list[str], list[list[str]]]],
                 first: dt.date, last: dt.date, *, second_group: bool = False, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ops, self.compute, self.drill = ops, compute, drill
        self._computing = ops.latest()  # a new query while one runs: only its figures are shown
        self.result: Result | None = None
        self.first, self.last = QDateEdit(first), QDateEdit(last)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.group = QComboBox()
        for code, name in groups:
            self.group.addItem(self.tr(name), code)
        self.group2 = QComboBox() if second_group else None
        if self.group2 is not None:
            self.group2.addItem(self.tr("（无）"), "")
            for code, name in groups:
                self.group2.addItem(self.tr(name), code)
        self.query_button = QPushButton(self.tr("查询"))
        self.query_button.clicked.connect(self.run)
        self.export_button = QPushButton(self.tr("导出Excel"))
        self.export_button.clicked.connect(self._ask_xlsx)
        self.print_button = QPushButton(self.tr("打印"))
        self.print_button.clicked.connect(self._print)
        self.pdf_button = QPushButton(self.tr("导出PDF"))
        self.pdf_button.clicked.connect(self._ask_pdf)
        bar = QHBoxLayout()
        for label, widget in ((self.tr("从"), self.first), (self.tr("至"), self.last), (self.tr("分组"), self.group)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        if self.group2 is not None:
            bar.addWidget(QLabel(self.tr("再按")))
            bar.addWidget(self.group2)
        bar.addWidget(self.query_button)
        bar.addStretch(1)
        for button in (self.export_button, self.print_button, self.pdf_button):
            button.setEnabled(False)
            bar.addWidget(button)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setToolTip(self.tr("双击一行查看明细"))
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_rows(row))
        self.chart = QChartView()
        self.chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart.setMinimumHeight(240)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

    # -- querying ----------------------------------------------------------------------------------------
    def query(self) -> Query:
        groups = (self.group.currentData(),)
        if self.group2 is not None and self.group2.currentData() and self.group2.currentData() not in groups:
            groups += (self.group2.currentData(),)
        return Query(self.first.date().toPython(), self.last.date().toPython(), groups)

    def run(self) -> None:
        q = self.query()
        if q.last < q.first:
            self.status.setText(self.tr("结束日期不能早于开始日期"))
            self.sig_failed.emit("invalid_range")
            return
        self.status.setText(self.tr("正在统计…"))
        self.query_button.setEnabled(False)

        def work() -> Result:
            started = time.perf_counter()
            result = self.compute(q)
            return Result(result.table, result.context, time.perf_counter() - started)
        self._computing.run(work, on_done=self.show_result, on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.query_button.setEnabled(True)
        message = getattr(exc, "user_message", None) or str(exc)
        self.status.setText(message)
        self.sig_failed.emit(message)

    def show_result(self, result: Result) -> None:
        self.query_button.setEnabled(True)
        self.result = t = result.table
        self.result_context = result
        lines = list(t.rows) + ([t.total] if t.total is not None else [])
        self.table.clear()
        self.table.setColumnCount(len(t.headers))
        self.table.setRowCount(len(lines))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in t.headers])
        bold = self.table.font()
        bold.setBold(True)
        for i, row in enumerate(lines):
            for col, value in enumerate(row):
                item = QTableWidgetItem(display(value) if value != "" else "")
                if col >= t.key_columns:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if t.total is not None and i == len(lines) - 1:
                    item.setFont(bold)
                self.table.setItem(i, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # the figures spread over the width
        for col in range(t.key_columns):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.status.setText(self.tr("共 {0} 组 · 用时 {1:.1f} 秒 · {2}").format(len(t.rows), result.seconds,
                                                                          " ".join(t.notes)))
        self._draw_chart(t)
        for button in (self.export_button, self.print_button, self.pdf_button):
            button.setEnabled(True)
        self.sig_shown.emit(t)

    def _draw_chart(self, t: StatTable) -> None:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setTitle(self.tr(t.title))
        rows = t.rows[:CHART_LIMIT]
        series = QBarSeries()
        top = 0.0
        for n, col in enumerate(t.chart):
            bars = QBarSet(self.tr(t.headers[col]))
            bars.setColor(QColor(BAR_COLOURS[n % len(BAR_COLOURS)]))
            for row in rows:
                value = row[col] if isinstance(row[col], (int, float)) else 0
                bars.append(float(value))
                top = max(top, float(value))
            series.append(bars)
        chart.addSeries(series)
        axis = QBarCategoryAxis()
        axis.append([" / ".join(str(v) for v in row[:t.key_columns]) for row in rows])
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        values = QValueAxis()
        values.setRange(0, max(1.0, top * 1.1))
        values.setLabelFormat("%d")
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        if len(t.rows) > CHART_LIMIT:
            chart.setTitle(self.tr("{0}（图中为前 {1} 组）").format(self.tr(t.title), CHART_LIMIT))
        self.chart.setChart(chart)

    # -- drill-down --------------------------------------------------------------------------------------
    def open_rows(self, row: int) -> bool:
        """Reads the group's rows off the GUI thread (the queue views read the period's tickets only now), then
        shows them in a dialog (sig_drilled). False for the 合计 line."""
        if self.result is None or row >= len(self.result.keys):
            return False
        context, key = self.result_context, self.result.keys[row]
        title = self.tr("明细：{0}").format(" / ".join(str(v) for v in self.result.rows[row][:self.result.key_columns]))
        before = self.status.text()
        self.status.setText(self.tr("正在读取明细…"))

        def shown(found: tuple[list[str], list[list[str]]]) -> None:
            self.status.setText(before)
            dialog = DrillDown(title, found[0], found[1], self)
            dialog.show()
            self.sig_drilled.emit(dialog)
        self.ops.run(lambda: self.drill(context, key), on_done=shown,
                     on_error=lambda exc: self.status.setText(
                         getattr(exc, "user_message", None) or self.tr("明细读取失败：{0}").format(exc)))
        return True

    # -- export and print --------------------------------------------------------------------------------
    def export_xlsx(self, path: Path) -> Path:
        """Written on the calling thread: call through Ops when the table is large (see _ask_xlsx)."""
        assert self.result is not None
        return write_xlsx(self.result, Path(path))

    def _ask_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出Excel"), f"{self.result.title}.xlsx",
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            table = self.result
            self.ops.run(lambda: write_xlsx(table, Path(path)),
                         on_done=lambda p: self.status.setText(self.tr("已导出：{0}").format(p)),
                         on_error=lambda exc: self.status.setText(self.tr("导出失败：{0}").format(exc)))

    def document(self) -> QTextDocument:
        """The table, its filters, notes and the chart as a printable document."""
        t = self.result
        assert t is not None
        doc = QTextDocument()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart:chart.png"),
                        self.chart.grab().toImage())
        head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
        lines = list(t.rows) + ([t.total] if t.total is not None else [])
        body = "".join("<tr>" + "".join(f"<td align='{'left' if i < t.key_columns else 'right'}'>"
                                        f"{html.escape(display(v) if v != '' else '')}</td>"
                                        for i, v in enumerate(row)) + "</tr>" for row in lines)
        notes = "".join(f"<p style='color:#4a5568'>{html.escape(n)}</p>" for n in t.notes)
        doc.setHtml(f"<h2>{html.escape(t.title)}</h2><p>{html.escape(t.filters)}</p>"
                    f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>"
                    f"{notes}<p><img src='chart:chart.png' width='640'></p>")
        return doc

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def save_pdf(self, path: Path) -> Path:
        printer = self._printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.document().print_(printer)
        return Path(path)

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出PDF"), f"{self.result.title}.pdf",
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.status.setText(self.tr("已导出：{0}").format(self.save_pdf(Path(path))))

    def _print(self) -> None:
        printer = self._printer()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)
