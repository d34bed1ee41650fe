"""Number series: each with its own top (how many numbers a day or year holds), the device kinds that may
hold its leases, and the largest block one lease request may take (so no single request can use up a
series). The server grants by these; devices size their asks by them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeriesPolicy:
    name: str
    top: int                  # numbers run 1…top
    kinds: frozenset[str]     # device kinds that may lease it
    max_live: int             # live numbers one request may take (per prefix and day)
    max_reserve: int          # the reserve block's largest size

    def cap(self, kind: str) -> int:
        return self.max_live if kind == "live" else self.max_reserve


SERIES = {p.name: p for p in (
    # tickets A001…A999 per business prefix and day (three digits on the ticket)
    SeriesPolicy("ticket", 999, frozenset({"dispenser", "workstation"}), max_live=50, max_reserve=100),
    # case numbers SL2026000123: six digits per office and year (shared.protocol.approval.case_display)
    SeriesPolicy("case", 999_999, frozenset({"workstation"}), max_live=50, max_reserve=200),
)}


def series_policy(name: str) -> SeriesPolicy:
    """The named series' policy; any other series (generic numbers: visits, receipts) gets the ticket-like
    default: three digits, issuing devices, the same caps."""
    return SERIES.get(name) or SeriesPolicy(name, 999, frozenset({"dispenser", "workstation"}), max_live=50,
                                            max_reserve=100)
