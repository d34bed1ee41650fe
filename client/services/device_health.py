"""The hall's devices and their open faults as the supervisor's and the clerk's client see them: the
`device_health` rows the server folds from every device's fault facts (shared/protocol/device_health.py),
read from the local cache — so a paper-out reaches staff with the next pull, within seconds."""

from __future__ import annotations

from dataclasses import dataclass

from shared.protocol.device_health import TABLE
from shared.sync.client import SyncClient


@dataclass(frozen=True)
class Fault:
    device_id: str
    device_name: str
    device_kind: str
    window_id: int | None
    part: str
    code: str
    since: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.device_id, self.part, self.code)


def open_faults(sync: SyncClient) -> list[Fault]:
    """Every open fault in the hall, oldest first."""
    out = [Fault(r["device_id"], r.get("name", ""), r.get("kind", ""), r.get("window_id"), f.get("part", ""),
                 f["code"], f.get("since", ""))
           for r in sync.rows(TABLE).values() for f in r.get("faults") or []]
    return sorted(out, key=lambda f: (f.since, f.device_name, f.part, f.code))


def devices(sync: SyncClient) -> list[dict]:
    """The device rows the server has published a health for (healthy ones have no faults)."""
    return sorted(sync.rows(TABLE).values(), key=lambda r: (r.get("kind", ""), r.get("name", "")))
