"""Number leases (hi/lo). Live blocks are granted in request order from the bottom of a series, after any
returned tails; each device's one reserve block per series and day comes from the top. A range is never
granted twice unless it came back unused, above the returning device's high-water mark."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.sync.changes import insert_ignore
from server.sync.devices import DeviceContext
from server.sync.models import NumberBlock, NumberSeries
from server.sync.errors import SyncError
from shared.protocol.sync import LeaseAsk, LeaseReturn
from shared.sync.series import SeriesPolicy, series_policy


class LeaseError(SyncError):
    """A lease ask or return refused."""


class SeriesExhausted(LeaseError):
    """No room left in the series today: reported per ask, the device falls back (with an alarm)."""


def block_covers(block: NumberBlock, number: int) -> bool:
    top = block.last if block.returned_above is None else min(block.last, block.returned_above)
    return block.kind in ("live", "reserve") and block.first <= number <= top


def leased_block(session: Session, device: DeviceContext, series: str, prefix: str, day: str,
                 block_id: int | None, number: int) -> NumberBlock | None:
    """The lease check every command that carries a leased number makes (tickets, case numbers, generic
    numbers): the block this device was granted for this series, hall, prefix and day, covering `number`;
    None when there is no such block."""
    block = session.get(NumberBlock, block_id) if block_id is not None else None
    granted = session.get(NumberSeries, block.series_id) if block is not None else None
    if block is None or granted is None or not lease_holds(block, series_key(granted), device, series, prefix, day,
                                                           number):
        return None
    return block


def series_key(granted) -> tuple[str, int, str, str]:  # noqa: ANN001  (a NumberSeries or a row of its columns)
    return (granted.series, granted.hall_id, granted.prefix, granted.day)


def lease_holds(block, granted: tuple[str, int, str, str], device: DeviceContext, series: str, prefix: str,  # noqa: ANN001
                day: str, number: int) -> bool:
    """The check itself, for a NumberBlock or anything with its columns (a push's batch reads them once):
    the block is this device's, granted for this series, hall, prefix and day, and covers `number`."""
    return block.device_id == device.device_id and granted == (series, device.hall_id, prefix, day) and \
        block_covers(block, number)


def _series(session: Session, hall_id: int, ask: LeaseAsk, policy: SeriesPolicy) -> NumberSeries:
    key = {"series": ask.series, "hall_id": hall_id, "prefix": ask.prefix, "day": ask.day}
    # A row made under an older, lower top keeps it (its reserve blocks sit there); new rows get the policy's.
    insert_ignore(session, NumberSeries, {**key, "next_live": 1, "reserve_floor": policy.top + 1},
                  ["series", "hall_id", "prefix", "day"])
    # The series row's lock serialises every grant of that series.
    return session.scalars(select(NumberSeries).filter_by(**key).with_for_update()).one()


class RequestBudget:
    """What one lease request has taken so far per (series, prefix, day, kind): at most the series' cap."""

    def __init__(self) -> None:
        self.taken: dict[tuple, int] = {}

    def room(self, ask: LeaseAsk, policy: SeriesPolicy) -> int:
        return policy.cap(ask.kind) - self.taken.get((ask.series, ask.prefix, ask.day, ask.kind), 0)

    def spend(self, ask: LeaseAsk, block: NumberBlock) -> None:
        key = (ask.series, ask.prefix, ask.day, ask.kind)
        self.taken[key] = self.taken.get(key, 0) + block.last - block.first + 1


def policy_for(device: DeviceContext, series: str) -> SeriesPolicy:
    policy = series_policy(series)
    if device.kind not in policy.kinds:
        raise LeaseError(403, "lease_not_allowed", "此类设备不能领取该系列的号段（device kind may not lease this series）",
                         series=series, kind=device.kind)
    return policy


def grant(session: Session, device: DeviceContext, ask: LeaseAsk, budget: RequestBudget | None = None) -> NumberBlock:
    """A block for the ask, at most the series' cap per request (a larger ask gets a smaller block)."""
    policy = policy_for(device, ask.series)
    known = session.scalars(select(NumberBlock).where(NumberBlock.request_id == ask.request_id)).one_or_none()
    if known is not None:  # the same ask again (its answer was lost): the same block
        if known.device_id != device.device_id:
            raise LeaseError(409, "lease_request_reused", "号段申请编号重复（request id used by another device）")
        return known
    room = (budget or RequestBudget()).room(ask, policy)
    if room <= 0:
        raise SeriesExhausted(409, "lease_request_too_large", "一次申请的号码过多（one request may take at most "
                              f"{policy.cap(ask.kind)} {ask.kind} numbers of a series）", series=ask.series)
    ask = ask.model_copy(update={"size": min(ask.size, room)})
    series = _series(session, device.hall_id, ask, policy)
    if ask.kind == "reserve":
        held = session.scalars(select(NumberBlock).where(
            NumberBlock.series_id == series.id, NumberBlock.device_id == device.device_id,
            NumberBlock.kind == "reserve")).first()
        if held is not None:
            return held
        last = series.reserve_floor - 1
        first = max(last - ask.size + 1, series.next_live)
        _check_room(first, last, ask)
        series.reserve_floor = first
        return _new_block(session, series, device, ask, first, last)
    free = session.scalars(select(NumberBlock).where(NumberBlock.series_id == series.id, NumberBlock.kind == "free")
                           .order_by(NumberBlock.first).limit(1)).first()
    if free is not None:
        first, last = free.first, min(free.last, free.first + ask.size - 1)
        if last == free.last:
            session.delete(free)
        else:
            free.first = last + 1
        session.flush()
        return _new_block(session, series, device, ask, first, last)
    first = series.next_live
    last = min(first + ask.size - 1, series.reserve_floor - 1)
    _check_room(first, last, ask)
    series.next_live = last + 1
    return _new_block(session, series, device, ask, first, last)


def _check_room(first: int, last: int, ask: LeaseAsk) -> None:
    if first > last:
        raise SeriesExhausted(409, "series_exhausted", f"号段已用完（series {ask.series} {ask.prefix} {ask.day} exhausted）",
                         series=ask.series, prefix=ask.prefix, day=ask.day)


def _new_block(session: Session, series: NumberSeries, device: DeviceContext, ask: LeaseAsk,
               first: int, last: int) -> NumberBlock:
    block = NumberBlock(series_id=series.id, device_id=device.device_id, request_id=ask.request_id,
                        kind=ask.kind, first=first, last=last, returned_above=None)
    session.add(block)
    session.flush()
    return block


def return_tail(session: Session, device: DeviceContext, ret: LeaseReturn) -> None:
    """Give back the numbers above `high_water` (the highest the device issued). Idempotent."""
    block = session.scalars(select(NumberBlock).where(NumberBlock.id == ret.block_id).with_for_update()).one_or_none()
    if block is None or block.device_id != device.device_id or block.kind == "free":
        raise LeaseError(404, "lease_unknown", "号段不存在或不属于本设备（no such block for this device）",
                         block_id=ret.block_id)
    if block.returned_above is not None:
        return
    high = max(ret.high_water, block.first - 1)
    if high > block.last:
        raise LeaseError(422, "high_water_outside_block", "已用号码超出号段（high-water mark beyond the block）",
                         block_id=block.id, last=block.last)
    block.returned_above = high
    if high < block.last:
        session.add(NumberBlock(series_id=block.series_id, device_id=None, request_id=None, kind="free",
                                first=high + 1, last=block.last, returned_above=None))
    session.flush()
