"""取号: the checks the server and offline dispensers both run before a ticket is issued, and the remaining
count a dispenser shows. The printed number comes from a leased number series and is passed in.

Quota and opening hours limit walk-ins; an appointment checked in on time has its own capacity (the slot)
and time rule (the check-in window), so only the paused flag and the one-ticket rule apply to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shared.queue.appointments import CheckIn
from shared.queue.clock import IssueTime, require_aware
from shared.queue.config import Business, Quota
from shared.queue.errors import IssueRefused
from shared.queue.lifecycle import new_ticket
from shared.queue.tickets import ACTIVE_STATES, Channel, GreenChannelReason, PriorityClass, Ticket
from shared.validation import check_resident_id


@dataclass(frozen=True)
class IssuedCounts:
    """Walk-in tickets already issued today for one business, in total and per half day."""

    day: int = 0
    am: int = 0
    pm: int = 0

    def after_issue(self, quota: Quota | None, now: dt.datetime) -> IssuedCounts:
        am = quota.is_am(now.time()) if quota is not None else now.time() < dt.time(12)
        return IssuedCounts(self.day + 1, self.am + am, self.pm + (not am))


def issued_counts(tickets: Iterable[Ticket], business_id: int, day: dt.date, quota: Quota | None) -> IssuedCounts:
    """Rebuild today's counts from the tickets themselves (e.g. on an offline device after a sync).
    On-time appointment tickets are not counted: they never used the walk-in quota."""
    counts = IssuedCounts()
    for t in tickets:
        if (t.business_id == business_id and t.issued_wall.date() == day
                and t.priority_class is not PriorityClass.APPOINTMENT):
            counts = counts.after_issue(quota, t.issued_wall)
    return counts


@dataclass(frozen=True)
class Remaining:
    """What the dispenser shows: `count` None means unlimited; `limited_by` names the binding limit."""

    count: int | None
    limited_by: str | None = None   # "daily", "am" or "pm"

    @property
    def unlimited(self) -> bool:
        return self.count is None


def remaining(quota: Quota | None, counts: IssuedCounts, now: dt.datetime) -> Remaining:
    """Tickets still available now: the smaller of what is left for the day and for the current half day."""
    if quota is None or quota.unlimited:
        return Remaining(None)
    half, half_limit, half_used = (("am", quota.am_limit, counts.am) if quota.is_am(require_aware(now).time())
                                   else ("pm", quota.pm_limit, counts.pm))
    options = [(max(quota.daily_limit - counts.day, 0), "daily")] if quota.daily_limit is not None else []
    if half_limit is not None:
        options.append((max(half_limit - half_used, 0), half))
    if not options:
        return Remaining(None)
    count, limited_by = min(options, key=lambda o: o[0])
    return Remaining(count, limited_by)


@dataclass(frozen=True)
class IssueRequest:
    business_id: int
    channel: Channel
    now: dt.datetime
    person_id: str | None = None
    green_reason: GreenChannelReason | None = None
    check_in: CheckIn | None = None   # from appointments.check_in


@dataclass(frozen=True)
class Admission:
    """The request passed every check: what kind of ticket to issue."""

    business_id: int
    channel: Channel
    priority_class: PriorityClass
    counts_against_quota: bool
    person_id: str | None
    appointment_id: str | None
    green_reason: GreenChannelReason | None


def priority_of(on_time: bool, green_reason: GreenChannelReason | None,
                offered: frozenset[GreenChannelReason] = frozenset(GreenChannelReason),
                ) -> tuple[PriorityClass, GreenChannelReason | None]:
    """The ticket's priority class — the one rule the dispenser and the server both apply: an on-time
    appointment first, then a green-channel reason the business offers (HallRules.green_reasons_for); a reason
    the business does not offer gives a normal ticket."""
    if on_time:
        return PriorityClass.APPOINTMENT, None
    if green_reason is not None and green_reason in offered:
        return PriorityClass.GREEN_CHANNEL, green_reason
    return PriorityClass.NORMAL, None


def admit(request: IssueRequest, business: Business | None, quota: Quota | None, counts: IssuedCounts,
          tickets: Iterable[Ticket],
          offered: frozenset[GreenChannelReason] = frozenset(GreenChannelReason)) -> Admission:
    """Run the issuance rules in the order a citizen would want to hear them; raise IssueRefused (or
    InvalidIdentifier for a malformed ID number) at the first one broken."""
    now = require_aware(request.now, "now")
    if business is None or business.id != request.business_id:
        raise IssueRefused("unknown_business", f"no business {request.business_id}", business=request.business_id)
    if not business.active:
        raise IssueRefused("business_inactive", f"business {business.prefix} is not offered",
                           business=business.id)
    person = _person(request)
    if quota is not None and quota.paused:
        raise IssueRefused("business_paused", f"business {business.prefix} is paused", business=business.id)
    on_time = request.check_in is not None and request.check_in.on_time
    if not on_time:
        _check_hours_and_quota(business, quota, counts, now)
    _check_one_ticket(business, person, tickets)
    appointment = request.check_in.appointment if request.check_in is not None else None
    if appointment is not None and (appointment.person_id != person or appointment.business_id != business.id):
        raise IssueRefused("appointment_mismatch", "the appointment belongs to another person or business",
                           appointment=appointment.id)
    priority, green = priority_of(on_time, request.green_reason, offered)
    return Admission(business.id, request.channel, priority, not on_time, person,
                     appointment.id if appointment is not None else None, green)


def is_elderly(person_id: str, today: dt.date, age: int = 60) -> bool:
    """Green channel for the elderly, read from the birth date in the ID number (老年人: 60 and over by
    《老年人权益保障法》). Staff assert the other green-channel reasons."""
    birth = check_resident_id(person_id, today=today).birth_date
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return years >= age


def _person(request: IssueRequest) -> str | None:
    if request.person_id is None:
        if request.channel is Channel.ID_CARD or request.check_in is not None:
            raise IssueRefused("person_id_required", "this channel needs the person's ID number")
        return None
    return check_resident_id(request.person_id, today=request.now.date()).number


def _check_hours_and_quota(business: Business, quota: Quota | None, counts: IssuedCounts,
                           now: dt.datetime) -> None:
    if quota is None:
        return
    at = now.time()
    if not quota.is_open(at):
        raise IssueRefused("outside_opening_hours", f"business {business.prefix} issues tickets "
                           f"{quota.opens_at}-{quota.closes_at}", opens_at=quota.opens_at.isoformat(),
                           closes_at=quota.closes_at.isoformat())
    if quota.lunch_closed and quota.in_lunch(at):
        assert quota.lunch_end is not None
        raise IssueRefused("lunch_break", f"no tickets until {quota.lunch_end}",
                           resumes_at=quota.lunch_end.isoformat())
    left = remaining(quota, counts, now)
    if left.count == 0:
        code = "quota_exhausted" if left.limited_by == "daily" else f"{left.limited_by}_quota_exhausted"
        raise IssueRefused(code, f"no {left.limited_by} tickets left for business {business.prefix}",
                           business=business.id)


def _check_one_ticket(business: Business, person: str | None, tickets: Iterable[Ticket]) -> None:
    if person is None:
        return
    held = next((t for t in tickets if t.person_id == person and t.business_id == business.id
                 and t.state in ACTIVE_STATES), None)
    if held is not None:
        raise IssueRefused("person_already_queued", f"this person already holds ticket {held.number}",
                           ticket=held.number)


def issue(admission: Admission, *, ticket_id: str, number: str, issued_at: IssueTime,
          wall_time: dt.datetime) -> Ticket:
    """Make the ticket; `number` comes from the device's leased series, `issued_at` from its HLC."""
    return new_ticket(id=ticket_id, number=number, business_id=admission.business_id, issued_at=issued_at,
                      wall_time=wall_time, priority_class=admission.priority_class, channel=admission.channel,
                      person_id=admission.person_id, appointment_id=admission.appointment_id,
                      green_reason=admission.green_reason)
