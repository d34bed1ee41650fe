"""Rules of the electronic archive of finished cases (电子归档), Qt-free and database-free: the order documents
are filed in, their archive numbers, how long each is kept, when an archive may be disposed of, and the
manifest's canonical bytes (what its SM3 digest and SM2 signature cover).

Archive numbers: `{hall code}-{year}-{case seq:06d}-{doc seq:03d}`, where year is the year of 办结, case seq
counts the hall's archives of that year from 1 in the order they were built, and doc seq counts the
case's documents in filing order from 1. The archive itself is named by the first three parts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Document kinds, in the default filing order: 申请书, 申请材料, 文书, 送达回证, 审批意见, 证照.
APPLICATION, MATERIAL, NOTICE, SERVICE, OPINIONS, LICENCE = (
    "application", "material", "notice", "service", "opinions", "licence")
DEFAULT_ORDER: tuple[str, ...] = (APPLICATION, MATERIAL, NOTICE, SERVICE, OPINIONS, LICENCE)
KIND_NAMES = {APPLICATION: "申请书", MATERIAL: "申请材料", NOTICE: "文书", SERVICE: "送达记录",
              OPINIONS: "审批意见", LICENCE: "证照"}
DEFAULT_RETENTION_YEARS = 30
MANIFEST_FORMAT = "govhall-archive-manifest-v1"


class ArchiveRuleError(ValueError):
    """A policy that cannot be read."""


def archive_no(hall_code: str, year: int, case_seq: int) -> str:
    return f"{hall_code}-{year}-{case_seq:06d}"


def document_no(archive: str, doc_seq: int) -> str:
    return f"{archive}-{doc_seq:03d}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ArchivePolicy:
    """The configured order (the default, or a hall's) and retention (years, by item and kind: the most
    specific entry wins — "item/kind", then "item", then "kind:<kind>", then the default)."""
    order: tuple[str, ...] = DEFAULT_ORDER
    hall_orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    retention_years: int = DEFAULT_RETENTION_YEARS
    retention: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ArchivePolicy:
        """{"order": [...], "hall_orders": {"DG-HALL-1": [...]}, "retention_years": 30,
        "retention": {"00785": 50, "00785/opinions": 10, "kind:service": 10}}"""
        try:
            order = tuple(raw.get("order", DEFAULT_ORDER))
            halls = {str(k): tuple(v) for k, v in dict(raw.get("hall_orders", {})).items()}
            years = int(raw.get("retention_years", DEFAULT_RETENTION_YEARS))
            retention = {str(k): int(v) for k, v in dict(raw.get("retention", {})).items()}
        except (TypeError, ValueError) as exc:
            raise ArchiveRuleError(f"archive policy: {exc}") from None
        if years < 1 or any(v < 1 for v in retention.values()):
            raise ArchiveRuleError("archive policy: retention is at least one year")
        return cls(order, halls, years, retention)

    def order_of(self, hall_code: str) -> tuple[str, ...]:
        return self.hall_orders.get(hall_code, self.order)

    def years_of(self, item_code: str, kind: str) -> int:
        for key in (f"{item_code}/{kind}", item_code, f"kind:{kind}"):
            if key in self.retention:
                return self.retention[key]
        return self.retention_years


def filing_order(kinds: Sequence[str], order: Sequence[str]) -> list[int]:
    """Indexes of `kinds` in filing order: by the kind's place in `order` (unknown kinds last), then as given."""
    rank = {k: i for i, k in enumerate(order)}
    return sorted(range(len(kinds)), key=lambda i: (rank.get(kinds[i], len(rank)), i))


def retention_until(closed_on: dt.date, years: Iterable[int]) -> dt.date:
    """The day from which the whole archive may be disposed of: its longest-kept document's end."""
    return add_years(closed_on, max(years, default=DEFAULT_RETENTION_YEARS))


def may_dispose(until: dt.date, today: dt.date) -> bool:
    return today >= until


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """The manifest's bytes as stored and digested: sorted keys, UTF-8, no spaces."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"), indent=None).encode()
