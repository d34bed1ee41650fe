"""What `bench.hall_day` checks after the day, from the server's own tables, and the figures it prints."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from server.queue.models import QueueAppointment, QueueCall, QueueRating, QueueTicket
from server.queue.statistics import hall_statistics
from server.sync.leases import block_covers
from server.sync.models import CommandLog, NumberBlock
from shared.queue.clock import CHINA_TZ
from shared.queue.closing import CLOSED_UNSERVED
from shared.queue.statistics import GroupBy
from shared.queue.tickets import FINAL_STATE_NAMES

if TYPE_CHECKING:
    from bench.hall_day import HallDay
    from bench.hall_world import World

FINAL = sorted(FINAL_STATE_NAMES)
EXPECTED_REJECTIONS = {"ticket_claimed_elsewhere", "window_busy"}


def open_tickets(world: World) -> int:
    with world.db.session() as s:
        return s.scalar(select(func.count()).select_from(QueueTicket).where(QueueTicket.state.not_in(FINAL))) or 0


def closed_unserved(world: World) -> int:
    with world.db.session() as s:
        return sum(CLOSED_UNSERVED in flags for flags in s.scalars(select(QueueTicket.flags)))


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def check(day: HallDay) -> tuple[list[str], dict]:
    w, failures, figures = day.world, [], {}
    with w.db.session() as s:
        tickets = s.scalars(select(QueueTicket)).all()
        calls = s.scalars(select(QueueCall)).all()
        appointments = {a.id: a for a in s.scalars(select(QueueAppointment))}
        blocks = {b.id: b for b in s.scalars(select(NumberBlock))}
        refused = s.execute(select(CommandLog.name, CommandLog.code, CommandLog.args)
                            .where(CommandLog.status == "rejected")).all()
        rejections = Counter(f"{n}:{c}" for n, c, _ in refused)
        figures["ratings"] = s.scalar(select(func.count()).select_from(QueueRating))
    figures.update(tickets=len(tickets), rejections=dict(rejections), calls=len(calls))
    by_id = {t.id: t for t in tickets}
    # 1. every ticket ended in a final state; every device's outbox drained
    if any(t.state not in FINAL for t in tickets):
        failures.append(f"{sum(t.state not in FINAL for t in tickets)} tickets not in a final state")
    devices = [k.device for k in day.kiosks] + [x.device for x in day.windows] + [x.evaluator for x in day.windows]
    pending = sum(d.client.status().pending for d in devices)
    if pending:
        failures.append(f"{pending} commands never answered")
    unexpected = Counter(f"{n}:{c}" for n, c, args in refused if c not in EXPECTED_REJECTIONS
                         and not _moved_on(n, c, args, by_id, day.world.stale_calls))
    if unexpected:
        failures.append(f"unexpected rejections {dict(unexpected)}")
    # 2. no ticket served by two windows: one accepted claim per stay in line, service where it was called
    accepted = Counter(c.ticket_id for c in calls if c.accepted and c.kind == "call")
    twice = [t.display for t in tickets if accepted[t.id] > t.transfers + 1 or "served_at_several_windows" in t.flags]
    for t in tickets:
        for before, period in zip(t.periods, t.periods[1:]):
            if period["kind"] == "serving" and before["window_id"] != period["window_id"]:
                twice.append(t.display)
    if twice:
        failures.append(f"tickets served by two windows: {sorted(set(twice))[:5]}")
    # 3. no printed number twice; every number from a lease of its device (or a flagged fallback)
    printed = Counter((t.day, t.series_prefix, t.display) for t in tickets)
    if any(n > 1 for n in printed.values()):
        failures.append("duplicate printed numbers")
    outside = [t.display for t in tickets if t.number is not None and not (
        t.block_id in blocks and blocks[t.block_id].device_id == t.device_id
        and block_covers(blocks[t.block_id], t.number))]
    if outside:
        failures.append(f"numbers outside their device's leases: {outside[:5]}")
    figures["reserve_numbers"] = sum("reserve_number" in t.flags for t in tickets)
    figures["fallback_numbers"] = sum("fallback_number" in t.flags for t in tickets)
    failures += _quotas(day, tickets, figures) + _persons(tickets, figures)
    failures += _appointments(day, tickets, appointments, figures) + _max_wait(day, tickets, calls, by_id, figures)
    return failures, figures


def _moved_on(name: str, code: str, args: dict, by_id: dict, stale: set[str]) -> bool:
    """A claim made from a stale view on a ticket that has since been served and transferred to a business
    this window does not serve: the same race as a claim lost to another window."""
    ticket = by_id.get(args.get("ticket_id"))
    return (name == "queue.call" and code == "window_does_not_serve_business" and args.get("call_id") in stale
            and ticket is not None and ticket.transfers > 0)


def _quotas(day: HallDay, tickets: list, figures: dict) -> list[str]:
    """Unflagged tickets never exceed a limit; over-quota ones were flagged (issued from a stale or offline view)."""
    out = []
    for business_id, quota in day.config.quotas.items():
        counted = [t for t in tickets if t.issued_business_id == business_id and t.counts_against_quota
                   and "over_quota" not in t.flags]
        if quota.daily_limit is not None and len(counted) > quota.daily_limit:
            out.append(f"business {business_id}: {len(counted)} unflagged tickets over a limit of {quota.daily_limit}")
        for half, limit in (("am", quota.am_limit), ("pm", quota.pm_limit)):
            n = sum(1 for t in counted if t.is_am == (half == "am"))
            if limit is not None and n > limit:
                out.append(f"business {business_id}: {n} unflagged {half} tickets over {limit}")
    figures["over_quota_flagged"] = sum("over_quota" in t.flags for t in tickets)
    figures["refused_at_dispensers"] = dict(sum((Counter(k.refused) for k in day.kiosks), Counter()))
    return out


def _persons(tickets: list, figures: dict) -> list[str]:
    """A second active ticket of one person for one business is always flagged."""
    out, mine = [], defaultdict(list)
    for t in tickets:
        if t.person_key:
            mine[(t.person_key, t.issued_business_id)].append(t)
    for group in mine.values():
        group.sort(key=lambda t: t.issued_wall)
        for i, t in enumerate(group):
            # whichever of the two reached the server second carries the flag
            for o in group[:i]:
                left = _left_business(o)
                if (left is None or left > t.issued_wall) and not (
                        "duplicate_person" in t.flags or "duplicate_person" in o.flags):
                    out.append(f"tickets {o.display} and {t.display}: one person twice in line, not flagged")
    figures["duplicate_person_flagged"] = sum("duplicate_person" in t.flags for t in tickets)
    return out


def _left_business(t) -> dt.datetime | None:  # noqa: ANN001
    """When a ticket stopped holding a place in the line of the business it was issued for: its first
    transfer elsewhere, else its end (None: still open)."""
    for period in t.periods:
        if period["kind"] == "transferred":
            return _t(period["start"])
    return _t(t.periods[-1]["end"]) if t.periods[-1]["end"] else None


def _appointments(day: HallDay, tickets: list, appointments: dict, figures: dict) -> list[str]:
    out, rules = [], day.config.rules
    for t in (t for t in tickets if t.priority_class == 1):
        a = appointments.get(t.appointment_id)
        if a is None or a.ticket_id != t.id or a.person_key != t.person_key or a.state != "checked_in":
            out.append(f"appointment ticket {t.display} without its matching checked-in appointment")
            continue
        issued = t.issued_wall
        early = "check_in_early" in t.flags
        if not early and not (a.slot_start - rules.check_in.early <= issued <= a.slot_start + rules.check_in.late):
            out.append(f"appointment ticket {t.display} issued outside the check-in window")
    per_slot = Counter((a.business_id, a.slot_start) for a in appointments.values() if a.state != "cancelled")
    if any(n > rules.appointment.capacity_per_slot for n in per_slot.values()):
        out.append("an appointment slot over capacity")
    per_person = Counter((a.person_key, a.day) for a in appointments.values() if a.state != "cancelled")
    if any(n > rules.appointment.per_person_daily_limit for n in per_person.values()):
        out.append("a person over the daily booking limit")
    figures["appointments"] = dict(Counter(a.state for a in appointments.values()))
    return out


SEEN_AFTER_TRANSFER = dt.timedelta(minutes=3)  # a window pushes its commands at least every 3 minutes


def _stays(day: HallDay, t) -> list[tuple[int, dt.datetime, dt.datetime | None]]:  # noqa: ANN001
    """(business, from, to): when a ticket waited where every window could see it — in its first business
    from its arrival at the server, and in its last business from 3 minutes after the transfer that put it
    there (the transferring window's push) — until its next call. A stay between two transfers is left out:
    the record does not say which business it was in."""
    out = []
    moves = [i for i, p in enumerate(t.periods) if p["kind"] == "transferred"]
    first = t.periods[0]
    if t.id in day.arrived:
        out.append((t.issued_business_id, day.arrived[t.id] + dt.timedelta(seconds=1),
                    _t(first["end"]) if first["end"] else None))
    if moves:
        last = t.periods[moves[-1]]
        out.append((t.business_id, _t(last["start"]) + SEEN_AFTER_TRANSFER, _t(last["end"]) if last["end"] else None))
    return out


def _business_at(t, at: dt.datetime) -> int | None:  # noqa: ANN001
    moves = [_t(p["start"]) for p in t.periods if p["kind"] == "transferred"]
    if not moves or at < moves[0]:
        return t.issued_business_id
    return t.business_id if at >= moves[-1] else None


def _max_wait(day: HallDay, tickets: list, calls: list, by_id: dict, figures: dict) -> list[str]:
    """The escalation rule, checked from the server's records: at every accepted "next" call made from a
    freshly pulled view, if any ticket the window could call had waited past the maximum, the called ticket
    must be one that had too, and none of those may rank before it (class, the window's level, place)."""
    limit = day.config.rules.calling.max_wait
    windows = {x.config.id: x.config for x in day.windows}
    by_business: dict[int, list] = defaultdict(list)
    for t in tickets:
        if t.target_window_id is None:
            for business_id, start, end in _stays(day, t):
                by_business[business_id].append((t, start, end))
    out, overdue_calls, checked = [], 0, 0
    for call in (c for c in calls if c.accepted and c.kind == "call" and c.mode == "next"):
        called, window = by_id[call.ticket_id], windows[call.window_id]
        overdue_before_ms = int((call.at - limit).timestamp() * 1000)
        called_overdue = called.queue_key[0] < overdue_before_ms
        overdue_calls += called_overdue
        business = _business_at(called, call.at)
        if call.id in day.world.stale_calls or business is None:
            continue
        checked += 1
        rank = (called.priority_class, window.level_of(business), list(called.queue_key))
        for business_id in window.business_ids:
            for t, start, end in by_business[business_id]:
                if (t.id == called.id or t.queue_key[0] >= overdue_before_ms
                        or not (start <= call.at and (end is None or end > call.at))):
                    continue
                if not called_overdue or (t.priority_class, window.level_of(business_id), list(t.queue_key)) < rank:
                    out.append(f"window {window.number} called {called.display} at {call.at:%H:%M} while "
                               f"{t.display} (class {t.priority_class}) had waited past {limit}")
    figures["escalated_calls"] = overdue_calls
    figures["max_wait_checked_calls"] = checked
    return out[:5]


def report(day: HallDay, wall: float) -> list[str]:
    failures, figures = check(day)
    with day.world.db.session() as s:
        stats = hall_statistics(s, day.world.hall_id, day.world.day, day.world.day, GroupBy.BUSINESS)
    totals = stats["totals"]
    names = {b.id: b.prefix for b in day.config.businesses.values()}
    print(f"hall day {day.world.day} seed {day.args.seed}: {figures['tickets']} tickets, {figures['calls']} calls, "
          f"{figures['ratings']} ratings, {day.world.requests} sync requests")
    print(f"  channels {totals['by_channel']}  outcomes {totals['by_outcome']}")
    print(f"  waiting mean {_m(totals['waiting']['mean_s'])} p90 {_m(totals['waiting']['p90_s'])}; "
          f"service mean {_m(totals['service']['mean_s'])} p90 {_m(totals['service']['p90_s'])}; "
          f"no-shows {totals['no_shows']}")
    for key, group in stats["groups"].items():
        use = stats["quota_use"].get(day.world.day.isoformat(), {}).get(key, {})
        print(f"  {names.get(int(key), key)}: {group['issued']:5d} issued, wait {_m(group['waiting']['mean_s'])}"
              f"/{_m(group['waiting']['p90_s'])}, service {_m(group['service']['mean_s'])}, "
              f"quota {use.get('issued', 0)}/{use.get('limit') or '∞'}")
    print(f"  ratings {totals['ratings']} (差评 {totals['bad_ratings']})")
    print(f"  dispensers refused {figures['refused_at_dispensers']}; flagged over_quota "
          f"{figures['over_quota_flagged']}, duplicate_person {figures['duplicate_person_flagged']}; "
          f"reserve numbers {figures['reserve_numbers']}, fallback {figures['fallback_numbers']}")
    print(f"  appointments {figures['appointments']}; escalated calls {figures['escalated_calls']}; "
          f"near-call reminders {len(day.notices.sent)}; sent home at closing {day.sent_home}")
    print(f"  max-wait rule checked at {figures['max_wait_checked_calls']} calls made from a fresh view")
    print(f"  rejections {figures['rejections']}")
    for failure in failures:
        print(f"  FAIL {failure}")
    verdict = "FAIL" if failures else "PASS"
    print(f"VERDICT {verdict}: {figures['tickets']} tickets, {len(failures)} failed checks, wall {wall:.1f} s")
    return failures


def _m(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}m"
