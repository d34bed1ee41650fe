"""行政许可法 Art. 32(4): the applicant must be told everything to correct, at once, within 5 working days
of receiving the materials; if not, the application counts as accepted on the day they were received.

The window runs from the last day materials came in (the receipt, or the corrected materials)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.approval.counting import EstimatingCalendar
from shared.approval.definition import ART32_DAYS
from shared.approval.lifecycle import INTAKE
from shared.approval.state import CaseState
from shared.calendar import CalendarNotPublished, WorkCalendar

DEFAULT_WARN_MARGIN = 1  # warn on the 4th and 5th working day


@dataclass(frozen=True)
class Art32Status:
    window_start: dt.date
    deadline: dt.date         # the 5th working day: the last day to ask for corrections
    workdays_left: int        # working days after today up to the deadline (negative once lapsed)
    warning: bool             # act now: the deadline is near and nobody has asked for corrections
    lapsed: bool              # deadline passed: the case counts as accepted on `window_start`
    unknown_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)


def art32_applies(state: CaseState) -> bool:
    """The window runs while acceptance is undecided and no correction request has been made in it."""
    return state.status in INTAKE and not state.correction_requested_in_window


def art32_status(state: CaseState, today: dt.date, calendar: WorkCalendar,
                 warn_margin: int = DEFAULT_WARN_MARGIN) -> Art32Status | None:
    if not art32_applies(state):
        return None
    est = EstimatingCalendar(calendar)
    deadline = est.add_workdays(state.window_start, ART32_DAYS)
    if today <= deadline:
        left = est.workdays_between(today, deadline)
    else:
        left = -est.workdays_between(deadline, today)
    lapsed = today > deadline
    return Art32Status(state.window_start, deadline, left, not lapsed and left <= warn_margin, lapsed,
                       tuple(sorted(est.unknown_years)))


def art32_lapsed(state: CaseState, day: dt.date, calendar: WorkCalendar) -> bool:
    """Exact answer for the decider, using only the days up to `day`: a clerk accepting on 12-30 needs no
    data for next January. A guessed calendar cannot backdate an acceptance, so when a day up to `day` is
    in an unpublished year this raises CalendarNotPublished (enter that year's calendar to proceed)."""
    if not art32_applies(state):
        return False
    est = EstimatingCalendar(calendar)
    counted = est.workdays_between(state.window_start, day)
    if est.unknown_years:
        raise CalendarNotPublished(min(est.unknown_years))
    # Fewer than 5 working days so far: the deadline is still ahead. Otherwise it lies in known days.
    return counted >= ART32_DAYS and calendar.add_workdays(state.window_start, ART32_DAYS) < day
