"""Window commands: call (a claim: the first in server order wins), recall, start (always accepted where the
citizen is), finish, hold, no-show, transfer, cancel, pause and resume. The rules are shared/queue's; this
module loads rows, applies the domain transition, writes it back and publishes the rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from sqlalchemy.orm import Session

from server.queue import badges, closing, store
from server.queue.config import HallConfig, load_hall_config
from server.queue.errors import reject, reject_with_record
from server.queue.models import QueueCall, QueueTicket
from server.sync.registry import CommandContext
from shared.protocol.queue import CallArgs, CancelArgs, TicketActionArgs, TransferArgs, WindowArgs
from shared.queue import desk, lifecycle
from shared.queue.clock import IssueTime
from shared.queue.config import Window
from shared.queue.tickets import Ticket, TicketState

CLAIMED = ("called", "serving", "held", "finished", "no_show")


def _ticket(session: Session, ctx: CommandContext, ticket_id: str) -> QueueTicket:
    row = store.ticket(session, ticket_id)
    if row is None or row.hall_id != ctx.device.hall_id:
        raise reject("unknown_ticket", status=404, ticket_id=ticket_id)
    return row


def _window(config: HallConfig, ctx: CommandContext, window_id: int) -> Window:
    window = config.window(window_id)
    if window is None:
        raise reject("unknown_window", status=404, window=window_id)
    if ctx.device.window_id is not None and ctx.device.window_id != window_id:
        raise reject("window_not_yours", status=403, window=window_id, device_window=ctx.device.window_id)
    return window


def _when(ticket: Ticket, at: dt.datetime) -> dt.datetime:
    """The event time: the device's, but never before the ticket's current period began (device clocks
    drift, and a period must not end before it starts)."""
    at = at.astimezone(dt.timezone.utc)
    return max(at, ticket.periods[-1].start)


def _at_window(ticket: Ticket, window: Window) -> None:
    if ticket.window_id != window.id:
        raise reject("ticket_at_other_window", ticket=ticket.number, window=window.id, at_window=ticket.window_id)


def _publish_ticket(ctx: CommandContext, row: QueueTicket) -> None:
    ctx.publish("queue_ticket", row.id, store.ticket_row(row))


def _set_current(session: Session, ctx: CommandContext, window_id: int, ticket_id: str | None, now: dt.datetime,
                 only_if: str | None = None) -> None:
    """Point the window at a ticket (None: free), unless `only_if` names another ticket than its current."""
    state = store.window_state(session, ctx.device.hall_id, window_id)
    if only_if is not None and state.current_ticket_id != only_if:
        return
    state.current_ticket_id, state.since = ticket_id, now
    ctx.publish("queue_window", str(window_id), store.window_row(state))


def _record_call(session: Session, ctx: CommandContext, call_id: str, row_display: str, ticket_id: str,
                 window: Window, kind: str, mode: str, at: dt.datetime, accepted: bool,
                 reasons: list[dict] | None = None) -> None:
    call = QueueCall(id=call_id, hall_id=ctx.device.hall_id, ticket_id=ticket_id, display=row_display,
                     window_id=window.id, window_number=window.number, kind=kind, mode=mode, at=at,
                     accepted=accepted, device_id=ctx.device.device_id, reasons=reasons or [])
    session.add(call)
    ctx.publish("queue_call", call.id, store.call_row(call))


def handle_call(session: Session, ctx: CommandContext, args: CallArgs, base: dict | None) -> dict:
    row = _ticket(session, ctx, args.ticket_id)
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    ticket = ticket_of_row = store.ticket_of(row)
    now = _when(ticket, args.at)
    state = store.window_state(session, ctx.device.hall_id, window.id)
    status = store.status_of(state)
    busy = store.tickets_at_window(session, window.id)
    if args.mode == "call_back":
        ticket = desk.call_back(window, status, ticket, busy, now)
        kind = "call_back"
    else:
        winner = row.window_id
        if row.state in CLAIMED and winner is not None and winner != window.id:
            display, ticket_id, at = row.display, row.id, args.at.astimezone(dt.timezone.utc)

            def lost(s: Session, c: CommandContext) -> None:  # kept for the record, never announced
                _record_call(s, c, args.call_id, display, ticket_id, window, "call", args.mode, at, False,
                             args.reasons)
            raise reject_with_record("ticket_claimed_elsewhere", lost, ticket=display, window=window.id,
                                     winner_window=winner)
        closing.check_may_call(config, row, now)
        result = desk.call_specific(window, status, ticket_of_row, busy, now, config.rules.calling,
                                    clerk_id=ctx.device.user)
        ticket, status, kind = result.ticket, result.status, "call"
    store.save_ticket(row, ticket, ctx.now)
    store.save_status(state, status)
    _record_call(session, ctx, args.call_id, row.display, row.id, window, kind, args.mode, now, True, args.reasons)
    _publish_ticket(ctx, row)
    _set_current(session, ctx, window.id, row.id, now)
    badges.seat(session, ctx, window.id, row.clerk, row.day)
    return {"ticket_id": row.id, "window_id": window.id, "state": row.state}


def handle_recall(session: Session, ctx: CommandContext, args: TicketActionArgs, base: dict | None) -> dict:
    row = _ticket(session, ctx, args.ticket_id)
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    ticket = store.ticket_of(row)
    if ticket.state is TicketState.CALLED:
        _at_window(ticket, window)
    ticket = lifecycle.recall(ticket, config.rules.calling, _when(ticket, args.at))
    store.save_ticket(row, ticket, ctx.now)
    call_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"govhall:recall:{ctx.command_id}"))
    _record_call(session, ctx, call_id, row.display, row.id, window, "recall", "recall", _when(ticket, args.at), True)
    _publish_ticket(ctx, row)
    return {"ticket_id": row.id, "recalls": row.recalls}


def handle_start(session: Session, ctx: CommandContext, args: TicketActionArgs, base: dict | None) -> dict:
    """The citizen stands at this window: accepted whoever claimed the ticket, flagged when it overrides."""
    row = _ticket(session, ctx, args.ticket_id)
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    ticket = store.ticket_of(row)
    now = _when(ticket, args.at)
    previous = ticket.window_id
    flags = []
    if ticket.state is TicketState.WAITING:
        ticket = lifecycle.call(ticket, window, now, ctx.device.user)
        flags.append("started_without_call")
    elif previous is not None and previous != window.id and ticket.state in (TicketState.CALLED,
                                                                             TicketState.SERVING, TicketState.HELD):
        flags.append("claim_overridden")
        if ticket.state is TicketState.SERVING:
            flags.append("served_at_several_windows")
            ticket = lifecycle.hold(ticket, now)
        ticket = dataclasses.replace(ticket, window_id=window.id)
    if ticket.state is TicketState.HELD:
        ticket = lifecycle.call_back(ticket, window, now)
    ticket = lifecycle.start_service(ticket, now, ctx.device.user)
    store.save_ticket(row, ticket, ctx.now)
    for flag in flags:
        store.add_flag(row, flag)
    if previous is not None and previous != window.id:
        _set_current(session, ctx, previous, None, now, only_if=row.id)
    _publish_ticket(ctx, row)
    _set_current(session, ctx, window.id, row.id, now)
    badges.seat(session, ctx, window.id, row.clerk, row.day)
    return {"ticket_id": row.id, "flags": flags}


def _close(session: Session, ctx: CommandContext, args: TicketActionArgs, action) -> dict:  # noqa: ANN001
    """finish / hold / no-show: the ticket leaves the window, which becomes free."""
    row = _ticket(session, ctx, args.ticket_id)
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    ticket = store.ticket_of(row)
    if ticket.window_id is not None:  # else the state machine says why (a waiting ticket is at no window)
        _at_window(ticket, window)
    now = _when(ticket, args.at)
    store.save_ticket(row, action(ticket, config, now), ctx.now)
    _publish_ticket(ctx, row)
    _set_current(session, ctx, window.id, None, now, only_if=row.id)
    return {"ticket_id": row.id, "state": row.state}


def handle_finish(session: Session, ctx: CommandContext, args: TicketActionArgs, base: dict | None) -> dict:
    return _close(session, ctx, args, lambda t, c, now: lifecycle.finish(t, now))


def handle_hold(session: Session, ctx: CommandContext, args: TicketActionArgs, base: dict | None) -> dict:
    return _close(session, ctx, args, lambda t, c, now: lifecycle.hold(t, now))


def handle_no_show(session: Session, ctx: CommandContext, args: TicketActionArgs, base: dict | None) -> dict:
    return _close(session, ctx, args, lambda t, c, now: lifecycle.mark_no_show(t, c.rules.calling, now))


def handle_transfer(session: Session, ctx: CommandContext, args: TransferArgs, base: dict | None) -> dict:
    row = _ticket(session, ctx, args.ticket_id)
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    ticket = store.ticket_of(row)
    if ticket.window_id is not None:
        _at_window(ticket, window)
    if args.to_business_id is not None and config.business(args.to_business_id) is None:
        raise reject("unknown_business", status=422, business=args.to_business_id)
    target = None
    if args.to_window_id is not None:
        target = config.window(args.to_window_id)
        if target is None:
            raise reject("unknown_window", status=404, window=args.to_window_id)
    now = _when(ticket, args.at)
    key = IssueTime.at(now, device_id=ctx.device.device_id, device_seq=ctx.seq)  # used only if places are not kept
    moved = lifecycle.transfer(ticket, now, config.rules.calling, to_business_id=args.to_business_id,
                               to_window=target, new_queue_key=key)
    store.save_ticket(row, moved, ctx.now)
    _publish_ticket(ctx, row)
    if ticket.window_id is not None:
        _set_current(session, ctx, ticket.window_id, None, now, only_if=row.id)
    return {"ticket_id": row.id, "business_id": row.business_id, "target_window_id": row.target_window_id}


def handle_cancel(session: Session, ctx: CommandContext, args: CancelArgs, base: dict | None) -> dict:
    row = _ticket(session, ctx, args.ticket_id)
    if ctx.device.kind == "dispenser" and (row.device_id != ctx.device.device_id
                                           or row.state in ("called", "serving", "held")):
        # Unattended: it withdraws only a ticket it issued itself whose print failed (nobody holds it), never
        # another device's ticket nor one already called.
        raise reject("dispenser_cancel_not_own", status=403, ticket_id=row.id)
    ticket = store.ticket_of(row)
    now = _when(ticket, args.at)
    store.save_ticket(row, lifecycle.cancel(ticket, now), ctx.now)
    _publish_ticket(ctx, row)
    if ticket.window_id is not None:
        _set_current(session, ctx, ticket.window_id, None, now, only_if=row.id)
    return {"ticket_id": row.id, "state": row.state}


def _pause_or_resume(session: Session, ctx: CommandContext, args: WindowArgs, pausing: bool) -> dict:
    config = load_hall_config(session, ctx.device.hall_id)
    window = _window(config, ctx, args.window_id)
    state = store.window_state(session, ctx.device.hall_id, window.id)
    status = store.status_of(state)
    now = args.at.astimezone(dt.timezone.utc)
    store.save_status(state, desk.pause(status, now) if pausing else desk.resume(status))
    state.since = now
    ctx.publish("queue_window", str(window.id), store.window_row(state))
    return {"window_id": window.id, "paused": state.paused}


def handle_pause(session: Session, ctx: CommandContext, args: WindowArgs, base: dict | None) -> dict:
    return _pause_or_resume(session, ctx, args, True)


def handle_resume(session: Session, ctx: CommandContext, args: WindowArgs, base: dict | None) -> dict:
    return _pause_or_resume(session, ctx, args, False)
