"""到厅取号 from a phone near the hall, issued by the server through the one issuing path every dispenser uses:
the hall's "phone channel" is a device of its own (a dispenser with a fixed id per hall, made on first use),
which takes a one-number lease from the hall's series and pushes `queue.issue` through the sync registry —
so the number comes from the same series, under the same unique key, and is published to every device like
any other ticket. Unlike a dispenser's push (a fact: broken rules only flag it), a phone is refused before
the push by the same admission rules (shared.queue.issuance): hours, quota, pause, one ticket a person."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queue import store
from server.queue.config import SERIES, load_hall_config
from server.queue.models import QueueTicket
from server.sync.devices import DeviceContext, register_device
from server.sync.leases import grant
from server.sync.models import SyncDevice
from server.sync.push import apply_push, lock_device
from server.sync.registry import Registry, Rejected
from shared.approval.personal import RESIDENT_ID, search_key
from shared.crypto.keys import KeyProvider
from shared.db.models import Device
from shared.crypto.ticket_key import ticket_key_for
from shared.protocol.sync import CommandIn, LeaseAsk
from shared.queue.clock import CHINA_TZ
from shared.queue.errors import IssueRefused
from shared.queue.issuance import IssueRequest, admit
from shared.queue.remote import check_near
from shared.queue.tickets import Channel
from shared.sync.leases import display_of
from shared.validation import check_resident_id

DEVICE_NAME = "手机到厅取号"
_NAMESPACE = uuid.UUID("6c0f3d2e-3b5a-4f7e-9a51-2f1f0a7d9c17")


def phone_channel_id(hall_id: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"govhall/remote-dispenser/hall:{hall_id}"))


def _device(session: Session, hall_id: int) -> DeviceContext:
    device_id = phone_channel_id(hall_id)
    if session.get(Device, device_id) is None:
        register_device(session, kind="dispenser", name=DEVICE_NAME, hall_id=hall_id, device_id=device_id)
    return DeviceContext(device_id, hall_id, "dispenser", None)


def issue_remote(session: Session, registry: Registry, keys: KeyProvider, *, hall_id: int, business_id: int,
                 id_number: str, latitude: float, longitude: float, accuracy_m: float,
                 now: dt.datetime) -> tuple[QueueTicket, int]:
    """The new ticket and the change cursor it was published at, or IssueRefused / InvalidIdentifier / Rejected saying why not."""
    config = load_hall_config(session, hall_id)
    check_near(config.rules.remote, latitude, longitude, accuracy_m)
    local = now.astimezone(CHINA_TZ)
    person = check_resident_id(id_number, today=local.date()).number
    person_key = search_key(RESIDENT_ID, person, ticket_key_for(keys, hall_id))
    business = config.business(business_id)
    quota = config.quotas.get(business_id)
    device = _device(session, hall_id)
    lock_device(session, device.device_id)  # phones of one hall take their numbers in turn
    counts = store.issued_counts(session, config, business_id, local)
    admit(IssueRequest(business_id, Channel.REMOTE, local), business, quota, counts, [])
    if store.active_ticket_of_person(session, hall_id, business_id, person_key, local.date()) is not None:
        raise IssueRefused("person_already_queued", "this person already holds a ticket of this business")
    block = grant(session, device, LeaseAsk(request_id=str(uuid.uuid4()), series=SERIES, prefix=business.prefix,
                                            day=local.date().isoformat(), kind="live", size=1))
    seq = session.scalar(select(SyncDevice.last_seq).where(SyncDevice.device_id == device.device_id)) + 1
    ticket_id = str(uuid.uuid4())
    args = {"ticket_id": ticket_id, "business_id": business_id, "display": display_of(business.prefix, block.first),
            "number": block.first, "block_id": block.id, "day": local.date().isoformat(), "channel": "remote",
            "issued_at": {"physical_ms": int(now.timestamp() * 1000), "logical": 0, "device_id": device.device_id[:8],
                          "device_seq": seq},
            "at": now.isoformat(), "person_key": person_key, "print_state": "kept"}
    command = CommandIn(seq=seq, command_id=str(uuid.uuid4()), name="queue.issue", version=1, args=args,
                        hlc=f"{int(now.timestamp() * 1000):013d}-00000-{device.device_id[:8]}")
    _, (result,), published = apply_push(session, registry, device, [command], now)
    if result.status != "accepted":
        raise Rejected(result.code or "remote_issue_failed", result.message, status=result.http_status)
    return session.get(QueueTicket, ticket_id), published

