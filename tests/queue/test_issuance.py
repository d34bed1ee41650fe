import datetime as dt

import pytest

from shared.queue import lifecycle as lc
from shared.queue.appointments import Appointment, CheckIn, CheckInStatus
from shared.queue.clock import IssueTime
from shared.queue.config import Business, Quota
from shared.queue.errors import IssueRefused
from shared.queue.issuance import IssuedCounts, IssueRequest, admit, is_elderly, issue, issued_counts, remaining
from shared.queue.tickets import Channel, GreenChannelReason, PriorityClass, TicketState
from shared.validation import InvalidIdentifier
from tests.queue.builders import APPT, T0, at, resident_id, ticket, window

BIZ = Business(1, "A", "不动产登记")
QUOTA = Quota(1, daily_limit=10, am_limit=6, pm_limit=4, opens_at=dt.time(9), closes_at=dt.time(17),
              lunch_start=dt.time(12), lunch_end=dt.time(13, 30), lunch_closed=True)
ALICE = resident_id(11)


def _at_clock(hour: int, minute: int = 0) -> dt.datetime:
    return T0.replace(hour=hour, minute=minute)


def _refused(request, quota=QUOTA, counts=IssuedCounts(), tickets=(), business=BIZ) -> str:
    with pytest.raises(IssueRefused) as info:
        admit(request, business, quota, counts, tickets)
    return info.value.code


def test_walk_in_is_admitted_and_issued_with_the_leased_number() -> None:
    request = IssueRequest(1, Channel.DISPENSER, _at_clock(9, 5))
    admission = admit(request, BIZ, QUOTA, IssuedCounts(), [])
    assert admission.priority_class is PriorityClass.NORMAL and admission.counts_against_quota
    t = issue(admission, ticket_id="u1", number="A023", issued_at=IssueTime.at(request.now, 0, "K1", 7),
              wall_time=request.now)
    assert (t.number, t.state, t.channel, t.queue_key) == ("A023", TicketState.WAITING, Channel.DISPENSER,
                                                         t.issued_at)


def test_unknown_inactive_and_paused_business() -> None:
    now = _at_clock(10)
    assert _refused(IssueRequest(2, Channel.DISPENSER, now)) == "unknown_business"
    assert _refused(IssueRequest(1, Channel.DISPENSER, now), business=None) == "unknown_business"
    assert _refused(IssueRequest(1, Channel.DISPENSER, now), business=Business(1, "A", "x", active=False)) \
        == "business_inactive"
    paused = Quota(1, paused=True)
    assert _refused(IssueRequest(1, Channel.DISPENSER, now), quota=paused) == "business_paused"


@pytest.mark.parametrize("hour, minute, code", [
    (8, 59, "outside_opening_hours"), (17, 0, "outside_opening_hours"), (12, 0, "lunch_break"),
    (13, 29, "lunch_break")])
def test_opening_hours_and_lunch_rule(hour, minute, code) -> None:
    assert _refused(IssueRequest(1, Channel.DISPENSER, _at_clock(hour, minute))) == code


def test_lunch_open_hall_keeps_issuing() -> None:
    open_lunch = Quota(1, lunch_start=dt.time(12), lunch_end=dt.time(13, 30), lunch_closed=False)
    assert admit(IssueRequest(1, Channel.DISPENSER, _at_clock(12, 30)), BIZ, open_lunch, IssuedCounts(), [])


def test_remaining_takes_the_tighter_of_day_and_half_day() -> None:
    assert remaining(QUOTA, IssuedCounts(), _at_clock(9)).count == 6
    assert remaining(QUOTA, IssuedCounts(2, 2, 0), _at_clock(9)).count == 4
    assert remaining(QUOTA, IssuedCounts(2, 2, 0), _at_clock(9)).limited_by == "am"
    assert remaining(QUOTA, IssuedCounts(8, 6, 2), _at_clock(14)).count == 2
    assert remaining(QUOTA, IssuedCounts(9, 6, 3), _at_clock(14)).limited_by == "daily"   # a tie names the day
    assert remaining(Quota(1), IssuedCounts(500, 300, 200), _at_clock(10)).unlimited
    assert remaining(None, IssuedCounts(), _at_clock(10)).unlimited
    day_only = Quota(1, daily_limit=3)
    assert remaining(day_only, IssuedCounts(5, 5, 0), _at_clock(10)).count == 0   # never negative


def test_quota_refusals_name_the_exhausted_limit() -> None:
    assert _refused(IssueRequest(1, Channel.DISPENSER, _at_clock(10)), counts=IssuedCounts(6, 6, 0)) \
        == "am_quota_exhausted"
    assert _refused(IssueRequest(1, Channel.DISPENSER, _at_clock(14)), counts=IssuedCounts(10, 6, 4)) \
        == "quota_exhausted"
    assert _refused(IssueRequest(1, Channel.DISPENSER, _at_clock(14)), counts=IssuedCounts(8, 4, 4)) \
        == "pm_quota_exhausted"
    day_only = Quota(1, daily_limit=3)
    assert _refused(IssueRequest(1, Channel.DISPENSER, _at_clock(14)), quota=day_only,
                    counts=IssuedCounts(3, 1, 2)) == "quota_exhausted"


def test_counts_grow_by_half_day() -> None:
    counts = IssuedCounts().after_issue(QUOTA, _at_clock(11, 59)).after_issue(QUOTA, _at_clock(12))
    assert counts == IssuedCounts(2, 1, 1)


def test_one_active_ticket_per_person_per_business() -> None:
    mine = ticket("A001", person=ALICE)
    request = IssueRequest(1, Channel.ID_CARD, _at_clock(10), person_id=ALICE.lower())
    assert _refused(request, tickets=[mine]) == "person_already_queued"
    other_business = ticket("B001", business=2, person=ALICE)
    assert admit(request, BIZ, QUOTA, IssuedCounts(), [other_business]).person_id == ALICE
    finished = lc.finish(lc.start_service(lc.call(mine, window(1, (1, 1)), at(1)), at(2)), at(3))
    assert admit(request, BIZ, QUOTA, IssuedCounts(), [finished]).person_id == ALICE


def test_id_numbers_are_validated_and_card_swipes_need_one() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        admit(IssueRequest(1, Channel.ID_CARD, _at_clock(10), person_id=ALICE[:-1] + "0"), BIZ, QUOTA,
              IssuedCounts(), [])
    assert info.value.code == "bad_check_character"
    assert _refused(IssueRequest(1, Channel.ID_CARD, _at_clock(10))) == "person_id_required"


def test_green_channel_reason_makes_a_green_ticket() -> None:
    request = IssueRequest(1, Channel.STAFF, _at_clock(10), green_reason=GreenChannelReason.DISABLED)
    admission = admit(request, BIZ, QUOTA, IssuedCounts(), [])
    assert admission.priority_class is PriorityClass.GREEN_CHANNEL
    assert admission.green_reason is GreenChannelReason.DISABLED


def _appointment(hour: int, minute: int = 0, business: int = 1) -> Appointment:
    return Appointment("ap1", business, ALICE, _at_clock(hour, minute))


def test_on_time_appointment_bypasses_quota_and_hours_but_not_pause() -> None:
    check = CheckIn(_appointment(9), CheckInStatus.ON_TIME)
    request = IssueRequest(1, Channel.QR, _at_clock(8, 40), person_id=ALICE, check_in=check)
    admission = admit(request, BIZ, QUOTA, IssuedCounts(10, 6, 4), [])
    assert admission.priority_class is PriorityClass.APPOINTMENT and not admission.counts_against_quota
    assert admission.appointment_id == "ap1"
    assert _refused(request, quota=Quota(1, paused=True)) == "business_paused"


def test_late_appointment_becomes_a_walk_in_under_the_quota() -> None:
    check = CheckIn(_appointment(9), CheckInStatus.LATE)
    request = IssueRequest(1, Channel.QR, _at_clock(10), person_id=ALICE, check_in=check)
    admission = admit(request, BIZ, QUOTA, IssuedCounts(), [])
    assert admission.priority_class is PriorityClass.NORMAL and admission.counts_against_quota
    assert admission.appointment_id == "ap1"
    assert _refused(request, counts=IssuedCounts(6, 6, 0)) == "am_quota_exhausted"


def test_appointment_of_someone_else_is_refused() -> None:
    check = CheckIn(_appointment(9, business=2), CheckInStatus.ON_TIME)
    request = IssueRequest(1, Channel.QR, _at_clock(9), person_id=ALICE, check_in=check)
    assert _refused(request) == "appointment_mismatch"


def test_elderly_is_read_from_the_birth_date_in_the_id_number() -> None:
    born = resident_id(21, birth="19661124")
    assert not is_elderly(born, dt.date(2026, 11, 23))      # 60th birthday is tomorrow
    assert is_elderly(born, dt.date(2026, 11, 24))
    assert not is_elderly(ALICE, dt.date(2026, 11, 23))


def test_counts_are_rebuilt_from_tickets_without_on_time_appointments() -> None:
    tickets = [ticket("A001", minute=0), ticket("A002", minute=200), ticket("A003", minute=201, cls=APPT),
               ticket("B001", minute=5, business=2), ticket("A004", minute=24 * 60)]
    assert issued_counts(tickets, 1, T0.date(), QUOTA) == IssuedCounts(2, 1, 1)
