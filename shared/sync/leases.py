"""Number series on the client: issue from a local lease (live blocks first, then the day's reserve block),
fall back to a device-suffixed number with an alarm when both are gone, top up and return tails in the
background. An ask is stored before it is sent, so a lost answer is asked again with the same request id."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, func, select, update

from shared.protocol.sync import PROTOCOL_VERSION
from shared.protocol.sync_rows import number_row
from shared.sync import store
from shared.sync.tables import leases

if TYPE_CHECKING:
    from shared.sync.client import SyncClient


@dataclass(frozen=True)
class Issued:
    number: int | None  # None: a fallback number
    display: str
    block_id: int | None
    kind: str  # live / reserve / fallback


def display_of(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


class LeaseBook:
    def __init__(self, client: SyncClient, *, live_size: int = 10, low_water: int = 3, reserve_size: int = 40) -> None:
        self.client = client
        self.live_size, self.low_water, self.reserve_size = live_size, low_water, reserve_size

    def track(self, series: str, prefix: str, day: str) -> None:
        """Keep this series topped up (e.g. at start of day, for every business the dispenser offers)."""
        with self.client.engine.begin() as conn:
            tracked = self._tracked(conn)
            if [series, prefix, day] not in tracked:
                store.set_meta(conn, "lease_tracked", json.dumps(tracked + [[series, prefix, day]]))

    def _tracked(self, conn: Connection) -> list[list[str]]:
        return json.loads(store.get_meta(conn, "lease_tracked", "[]"))

    def _key(self, series: str, prefix: str, day: str):  # noqa: ANN202
        return and_(leases.c.series == series, leases.c.prefix == prefix, leases.c.day == day)

    def available(self, conn: Connection, series: str, prefix: str, day: str, kind: str = "live") -> int:
        return conn.scalar(select(func.coalesce(func.sum(leases.c.last - leases.c.next + 1), 0)).where(
            self._key(series, prefix, day), leases.c.kind == kind, leases.c.state == "granted")) or 0

    def _plan(self, conn: Connection) -> None:
        for series, prefix, day in self._tracked(conn):
            key = self._key(series, prefix, day)
            asked = conn.scalar(select(func.count()).select_from(leases)
                                 .where(key, leases.c.state.in_(("asked", "refused")))) or 0
            if not asked and self.available(conn, series, prefix, day) < self.low_water:
                self._ask(conn, series, prefix, day, "live", self.live_size)
            has_reserve = conn.scalar(select(func.count()).select_from(leases)
                                      .where(key, leases.c.kind == "reserve")) or 0
            if not has_reserve:
                self._ask(conn, series, prefix, day, "reserve", self.reserve_size)

    def _ask(self, conn: Connection, series: str, prefix: str, day: str, kind: str, size: int) -> None:
        conn.execute(leases.insert().values(request_id=str(uuid.uuid4()), series=series, prefix=prefix, day=day,
                                            kind=kind, size=size, state="asked"))

    def sync(self) -> None:
        """Send stored asks and returns; store what was granted."""
        with self.client.engine.begin() as conn:
            self._plan(conn)
            asks = [dict(r._mapping) for r in conn.execute(select(leases).where(leases.c.state == "asked"))]
            returns = [dict(r._mapping) for r in conn.execute(select(leases).where(leases.c.state == "returning"))]
        if not asks and not returns:
            return
        body = {"device": self.client.device_id, "protocol_version": PROTOCOL_VERSION,
                "asks": [{k: a[k] for k in ("request_id", "series", "prefix", "day", "kind", "size")} for a in asks],
                "returns": [{"block_id": r["block_id"], "high_water": r["next"] - 1} for r in returns]}
        reply = self.client.call("POST", "/lease", json=body)
        self.client.crash("lease.after_response")
        if reply.status != 200:
            raise self.client.fail(reply, "lease")
        with self.client.engine.begin() as conn:
            for b in reply.body["blocks"]:
                conn.execute(update(leases).where(leases.c.request_id == b["request_id"], leases.c.state == "asked")
                             .values(state="granted", block_id=b["block_id"], kind=b["kind"], first=b["first"],
                                     last=b["last"], next=b["first"]))
            for refused in reply.body.get("refused", []):
                conn.execute(update(leases).where(leases.c.request_id == refused["request_id"])
                             .values(state="refused"))
                store.set_meta(conn, f"alarm:{refused['code']}", refused["request_id"])
            if reply.body["returned"]:
                conn.execute(update(leases).where(leases.c.block_id.in_(reply.body["returned"]),
                                                  leases.c.state == "returning").values(state="returned"))

    def issue(self, conn: Connection, series: str, prefix: str, day: str) -> Issued:
        """Take the next number inside `conn`'s transaction: live, else reserve, else fallback (alarm)."""
        for kind in ("live", "reserve"):
            block = conn.execute(select(leases).where(self._key(series, prefix, day), leases.c.kind == kind,
                                                      leases.c.state == "granted", leases.c.next <= leases.c.last)
                                 .order_by(leases.c.first).limit(1)).first()
            if block is not None:
                conn.execute(update(leases).where(leases.c.request_id == block.request_id)
                             .values(next=block.next + 1))
                return Issued(block.next, display_of(prefix, block.next), block.block_id, kind)
        counter_key = f"fallback:{series}:{prefix}:{day}"
        n = int(store.get_meta(conn, counter_key, "0")) + 1
        store.set_meta(conn, counter_key, str(n))
        store.set_meta(conn, f"alarm:fallback_number:{series}:{prefix}:{day}", str(n))
        suffix = self.client.device_id.replace("-", "")[:6].upper()
        return Issued(None, f"{prefix}-{suffix}-{n:03d}", None, "fallback")

    def issue_number(self, series: str, prefix: str, day: str, *, ref: str = "", conn=None):  # noqa: ANN001, ANN201
        """Issue a number and queue its `number.issue` command in one transaction. Returns (Issued, Enqueued)."""
        if conn is None:
            with self.client.engine.begin() as own:
                return self.issue_number(series, prefix, day, ref=ref, conn=own)
        issued = self.issue(conn, series, prefix, day)
        number_id = str(uuid.uuid4())
        args = {"number_id": number_id, "series": series, "prefix": prefix, "day": day, "number": issued.number,
                "display": issued.display, "block_id": issued.block_id, "ref": ref}
        row = number_row(number_id=number_id, hall_id=None, series=series, prefix=prefix, day=day,
                         number=issued.number, display=issued.display, block_id=issued.block_id,
                         device_id=self.client.device_id, ref=ref, hlc=None)
        queued = self.client.submit("number.issue", 1, args, effects=[("issued_number", number_id, row)], conn=conn)
        self.client.crash("issue.before_commit")
        return issued, queued

    def release(self, series: str, prefix: str, day: str) -> int:
        """Give back the unused tails of this series' live blocks (e.g. at closing). Returns how many blocks."""
        with self.client.engine.begin() as conn:
            key = and_(self._key(series, prefix, day), leases.c.kind == "live", leases.c.state == "granted")
            conn.execute(update(leases).where(key, leases.c.next > leases.c.last).values(state="used"))
            return conn.execute(update(leases).where(key).values(state="returning")).rowcount

    def alarms(self, conn: Connection) -> list[str]:
        return sorted(k.removeprefix("alarm:") for k in conn.scalars(select(store.meta.c.key)
                                                                     .where(store.meta.c.key.like("alarm:%"))))

    def blocks(self) -> list[dict]:
        with self.client.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(leases).order_by(leases.c.series, leases.c.first))]
