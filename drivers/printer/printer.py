"""Ticket printer driver: status before, job, status after. A ticket counts as issued only when the printer
was ready before and still ready after; otherwise a typed error says why (paper out, cover open, gone...)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import DeviceError, DeviceTimeout, PrintIncomplete
from drivers.printer.render import PrinterProfile, render
from drivers.printer.status import QUERIES, PrinterStatus, parse_status
from drivers.printer.ticket import Ticket
from drivers.printer.transports import PrinterPort


@dataclass(frozen=True)
class PrintResult:
    printed: bool
    status_known: bool  # False for transports that cannot answer (file, dummy)
    status: PrinterStatus | None
    size: int


class TicketPrinter:
    def __init__(self, port: PrinterPort, profile: PrinterProfile = PrinterProfile()) -> None:
        self.port = port
        self.profile = profile

    def close(self) -> None:
        self.port.close()

    def status(self) -> PrinterStatus | None:
        if not self.port.can_read:
            return None
        answers = {}
        for n, query in QUERIES.items():
            self.port.send(query)
            data = self.port.read()
            if not data:
                raise DeviceTimeout(f"printer did not answer DLE EOT {n}", device="printer")
            answers[n] = data[-1]  # a late answer to an earlier query may precede ours
        return parse_status(answers[1], answers[2], answers[4])

    def print_ticket(self, ticket: Ticket) -> PrintResult:
        return self.print_bytes(render(ticket, self.profile))

    def print_bytes(self, data: bytes) -> PrintResult:
        try:
            before = self.status()
            if before is not None:
                before.raise_if_not_ready()
            self.port.send(data)
            after = self.status()
        except DeviceError:
            self.port.close()  # reopen next time: the printer may come back
            raise
        if after is not None and not after.ready:
            cause = "paper_out" if after.paper_out else "cover_open" if after.cover_open else "offline"
            raise PrintIncomplete(f"printer reported {cause} after the job: reprint the ticket",
                                  device="printer", cause=cause)
        return PrintResult(True, after is not None, after, len(data))
