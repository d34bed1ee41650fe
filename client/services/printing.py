"""Printing a counter receipt on the workstation's ESC/POS printer (called off the GUI thread)."""

from __future__ import annotations

from client.services.receipts import Receipt, render_receipt
from drivers.core.errors import DeviceUnavailable
from drivers.printer.render import PrinterProfile


class ReceiptPrinter:
    def __init__(self, printer=None) -> None:  # noqa: ANN001 - drivers.printer.printer.TicketPrinter or None
        self.printer = printer

    @property
    def configured(self) -> bool:
        return self.printer is not None

    def print(self, receipt: Receipt) -> int:
        """Bytes sent; raises a DeviceError (paper out, offline …) or DeviceUnavailable when none is set up."""
        if self.printer is None:
            raise DeviceUnavailable("no receipt printer configured for this workstation", device="printer")
        profile: PrinterProfile = self.printer.profile
        return self.printer.print_bytes(render_receipt(receipt, profile)).size

