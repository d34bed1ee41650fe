"""`queue.issue`: the ticket is a FACT — the citizen already holds it. The server records it even when it
breaks a rule an offline dispenser could not check (quota, hours, one ticket per person), flagging it for
the supervisor instead; it refuses only a malformed ticket or a number outside the device's leases."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from server.queue import appointments, store, ticket_phones
from server.queue.config import SERIES, HallConfig, load_hall_config
from server.queue.errors import reject
from server.queue.issue_batch import IssueBatch, batch_for
from server.queue.models import QueueAppointment, QueueTicket
from server.sync.registry import CommandContext
from shared.protocol import queue_rows as codec
from shared.protocol.queue import IssueArgs, PrintArgs
from shared.queue import appointments as booking
from shared.queue.clock import CHINA_TZ, IssueTime
from shared.queue.errors import IssueRefused
from shared.queue.issuance import IssueRequest, admit, priority_of
from shared.queue.lifecycle import new_ticket
from shared.queue.printing import PrintState, settle
from shared.queue.tickets import Channel, GreenChannelReason
from server.sync.leases import lease_holds
from shared.sync.leases import display_of

TICKETS = QueueTicket.__table__
QUOTA_CODES = {"quota_exhausted", "am_quota_exhausted", "pm_quota_exhausted"}


def savepoint_for(args: IssueArgs) -> str:
    """A plain ticket writes one row, deferred to the end of the push, after its last refusal: no savepoint.
    A person, phone or appointment brings ORM reads and writes: an ORM savepoint."""
    plain = args.person_key is None and args.phone_sealed is None and args.appointment_id is None
    return "none" if plain else "orm"


def handle_issue(session: Session, ctx: CommandContext, args: IssueArgs, base: dict | None) -> dict:
    batch = batch_for(session, ctx, args)
    existing = batch.tickets.get(args.ticket_id)
    if existing is not None:  # the same fact sent again by another command: harmless
        if existing == (ctx.device.device_id, args.display):
            return {"ticket_id": args.ticket_id, "duplicate": True}
        raise reject("ticket_id_conflict", ticket_id=args.ticket_id)
    if ctx.device.kind == "workstation" and "clerk" not in ctx.device.roles:
        raise reject("role_required", status=403, required=["clerk"])
    config = load_hall_config(session, ctx.device.hall_id)
    business = config.business(args.business_id)
    if business is None:
        raise reject("unknown_business", status=422, business=args.business_id)
    prefix = business.prefix
    flags = _check_number(batch, ctx, args, prefix)
    local = args.at.astimezone(CHINA_TZ)
    appointment, on_time, more = _check_in(session, ctx, config, args, local)
    flags += more
    flags += _rule_flags(session, batch, config, args.business_id, local, on_time)
    if args.person_key and store.active_ticket_of_person(session, ctx.device.hall_id, args.business_id,
                                                         args.person_key, args.day, args.at) is not None:
        flags.append("duplicate_person")
    asked = GreenChannelReason(args.green_reason) if args.green_reason is not None else None
    priority, green = priority_of(on_time, asked, config.rules.green_reasons_for(business.id))
    if asked is not None and not on_time and green is None:  # a dispenser on stale rules: kept, as normal
        flags.append("green_reason_not_offered")
    w = args.issued_at
    stamp = IssueTime(w.physical_ms, w.logical, w.device_id, w.device_seq)
    ticket = new_ticket(id=args.ticket_id, number=args.display, business_id=business.id, issued_at=stamp,
                        wall_time=args.at.astimezone(dt.timezone.utc), priority_class=priority,
                        channel=Channel(args.channel), person_id=args.person_key,
                        appointment_id=args.appointment_id, green_reason=green)
    print_state = PrintState(args.effective_print_state())
    ticket = dataclasses.replace(ticket, print_state=print_state)
    # Every refusal is behind us: from here on the command only writes.
    if args.phone_sealed:
        phone_flag = ticket_phones.record(session, ctx.device.hall_id, args.ticket_id, args.phone_sealed)
        flags += [phone_flag] if phone_flag else []
    quota = config.quotas.get(business.id)
    values = {"id": ticket.id, "hall_id": ctx.device.hall_id, "issued_business_id": business.id,
              "series_prefix": prefix, "day": args.day, "display": args.display, "number": args.number,
              "block_id": args.block_id, "device_id": ctx.device.device_id, "channel": args.channel,
              "priority_class": int(priority), "green_reason": green.value if green else None,
              "appointment_id": args.appointment_id, "person_key": args.person_key,
              "issued_at": list(stamp.as_tuple()), "flags": flags, "counts_against_quota": not on_time,
              "is_am": quota.is_am(local.time()) if quota is not None else local.time() < dt.time(12),
              "issued_wall": ticket.issued_wall, **store.progress(ticket), "updated_at": ctx.now}
    if savepoint_for(args) == "none":
        ctx.insert_later(TICKETS, values)  # one INSERT for the push's tickets (server.queue.issue_batch)
        batch.accepted(values, local)
        ctx.publish("queue_ticket", ticket.id, codec.ticket_row(ticket, hall_id=ctx.device.hall_id, day=args.day,
                                                                 person_key=args.person_key, flags=flags))
        batch.mark = ctx.writer.value
    else:  # the savepoint may still roll it back: the batch is left behind and reloads for the next command
        row = QueueTicket(**values)
        session.add(row)
        if appointment is not None:
            appointments.record_check_in(session, ctx, appointment, row.id, on_time)
        ctx.publish("queue_ticket", row.id, store.ticket_row(row))
    return {"ticket_id": ticket.id, "priority_class": int(priority), "flags": flags}


def handle_print(session: Session, ctx: CommandContext, args: PrintArgs, base: dict | None) -> dict:
    """What the printer did with a ticket recorded as "printing": only the device that issued it knows."""
    row = session.get(QueueTicket, args.ticket_id)
    if row is None or row.hall_id != ctx.device.hall_id:
        raise reject("unknown_ticket", status=404, ticket_id=args.ticket_id)
    if row.device_id != ctx.device.device_id:
        raise reject("not_issuing_device", status=403, ticket_id=row.id)
    state = settle(row.display, PrintState(row.print_state), PrintState(args.outcome))
    row.print_state, row.printed, row.updated_at = state.value, state.printed, ctx.now
    ctx.publish("queue_ticket", row.id, store.ticket_row(row))
    return {"ticket_id": row.id, "print_state": state.value}


def _check_number(batch: IssueBatch, ctx: CommandContext, args: IssueArgs, prefix: str) -> list[str]:
    """The number must come from one of the device's leases of this series, or be a device-suffixed fallback
    (the lease check of server.sync.leases.leased_block, on the push's leases)."""
    if args.number is None:
        if not args.display.startswith(f"{prefix}-"):
            raise reject("fallback_format", status=422, display=args.display)
        flags = ["fallback_number"]
    else:
        lease = batch.leases.get(args.block_id) if args.block_id is not None else None
        if lease is None or not lease_holds(lease, lease.series, ctx.device, SERIES, prefix, args.day.isoformat(),
                                            args.number):
            raise reject("number_not_leased", number=args.number, block_id=args.block_id)
        if args.display != display_of(prefix, args.number):
            raise reject("display_mismatch", status=422, display=args.display, number=args.number)
        flags = ["reserve_number"] if lease.kind == "reserve" else []
    taken = batch.taken.get((ctx.device.hall_id, args.day, prefix, args.display))
    if taken is not None:
        raise reject("number_taken", display=args.display, ticket_id=taken)
    return flags


def _check_in(session: Session, ctx: CommandContext, config: HallConfig, args: IssueArgs,
              local: dt.datetime) -> tuple[QueueAppointment | None, bool, list[str]]:
    """(appointment, on time?, flags): an appointment ticket is of the appointment class only when it matches
    the person and business and arrived inside the check-in window."""
    if args.appointment_id is None:
        return None, False, []
    row = session.get(QueueAppointment, args.appointment_id)
    if row is None or row.hall_id != ctx.device.hall_id or row.state not in ("booked", "no_show"):
        return None, False, ["appointment_unknown"]
    if row.person_key != args.person_key or row.business_id != args.business_id:
        return None, False, ["appointment_mismatch"]
    mine = [appointments.domain(row)]
    try:
        found = booking.check_in(mine, row.person_key, local, config.rules.check_in, args.business_id)
    except IssueRefused:  # early: the citizen holds a ticket anyway, it counts as on time
        return row, True, ["check_in_early"]
    if found is None:
        return None, False, ["appointment_other_day"]
    return row, found.on_time, [] if found.on_time else ["appointment_late"]


def _rule_flags(session: Session, batch: IssueBatch, config: HallConfig, business_id: int, local: dt.datetime,
                on_time: bool) -> list[str]:
    """The rules that do not depend on the person, by the domain's own `admit` (the person rule runs on the
    blind index in the caller). An on-time appointment is held only to the paused flag."""
    business, quota = config.businesses[business_id], config.quotas.get(business_id)
    if on_time:
        return [code for code, broken in (("business_inactive", not business.active),
                                          ("business_paused", quota is not None and quota.paused)) if broken]
    counts = batch.counts(session, config, business_id, local)
    try:
        admit(IssueRequest(business_id, Channel.DISPENSER, local), business, quota, counts, ())
    except IssueRefused as refused:
        return ["over_quota" if refused.code in QUOTA_CODES else refused.code]
    return []
