"""Each device's current health, folded from the fault and recovery facts it pushes (shared/protocol/
device_health.py) and published to its hall as one `device_health` row, so the supervisor's client sees a
paper-out within a sync cycle. The device list (GET /api/v1/devices) reads the same table."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from server.devices.models import DeviceHealth
from server.sync.registry import CommandContext
from shared.db.models import Device
from shared.protocol import device_health


def record(session: Session, ctx: CommandContext, kind: str, body: Mapping) -> None:
    """Apply one health fact of the pushing device (facts of one device come in its command order)."""
    device_id = ctx.device.device_id  # the token's device: a device reports only for itself
    health = session.get(DeviceHealth, device_id)
    if health is None:
        health = DeviceHealth(device_id=device_id, hall_id=ctx.device.hall_id, faults=[])
        session.add(health)
    health.faults = device_health.apply(health.faults or [], kind, body)
    health.updated_hlc, health.updated_at = ctx.hlc, ctx.now
    device = session.get(Device, device_id)
    ctx.publish(device_health.TABLE, device_id, row_of(health, device))


def row_of(health: DeviceHealth, device: Device | None) -> dict:
    return device_health.health_row(
        device_id=health.device_id, hall_id=health.hall_id, kind=device.kind if device else "",
        name=device.name if device else "", window_id=device.window_id if device else None,
        faults=list(health.faults or []), updated_at=health.updated_at.isoformat())
