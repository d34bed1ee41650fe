"""超期 (overdue) and 即将超期 (near due): one rule for every list and count of cases — the supervisor's
dashboard, the worklists' 即将超期/超期 tabs and 督查督办 on a workstation, /worklists/near-due and
/worklists/overdue on the server, and the case statistics' 逾期未办结.

An open case's card today is the worst card of its *running* clocks: the case clocks (statutory, Art. 42;
promised, 承诺时限; issue, Art. 44) and the clocks of the steps it is at now. A finished clock no longer
counts (a decision served after its day is marked apart on the row: `served_late`), nor does a stopped one
(Art. 45: its due day is not known while it stands). A card only worsens as a due day nears, so that card is
the card of the earliest due day among the running clocks: the case row publishes that day (`clocks.due`,
shared.approval.rows), and a workstation judges each of 100,000 cases by it (shared.approval.clocks.due_card)
as the server judges its case views. A test holds the two equal, day by day, over simulated cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from shared.approval.clocks import Card, Clock, DueCard, due_card, worst
from shared.calendar import WorkCalendar

if TYPE_CHECKING:  # views lists cases by this rule
    from shared.approval.views import CaseView


def running(view: CaseView) -> list[Clock]:
    """The clocks that judge the case today (none once it is closed or ended)."""
    if not view.is_open:
        return []
    return [c for c in (*view.case_clocks, *view.steps.values()) if c.finished_on is None and c.due is not None]


def case_card(view: CaseView) -> Card:
    """The case's card today: red 超期, yellow 即将超期, green otherwise (and for a case no longer open)."""
    return worst(c.card for c in running(view))


def running_due(view: CaseView) -> dt.date | None:
    """The earliest due day of the running clocks: what the case row publishes as `clocks.due`."""
    return min((c.due for c in running(view)), default=None)


DUE_RULE = 1  # `clocks.due_rule` on a row whose `clocks.due` is this rule's (None there: no running clock)


def row_due(clocks: Mapping | None) -> str | None:
    """The due day a case row is judged by (ISO text; None: nothing runs, never near due or overdue). A row
    published before this rule has only `statutory_due`: that stands in until the case's next change
    publishes the row again."""
    clocks = clocks or {}
    return clocks.get("due") if clocks.get("due_rule") == DUE_RULE else clocks.get("statutory_due")


def row_card(clocks: Mapping | None, today: dt.date, calendar: WorkCalendar) -> DueCard | None:
    """The card of an open case's row today (None: no running clock with a due day, so green)."""
    due = row_due(clocks)
    return due_card(dt.date.fromisoformat(due), today, calendar) if due else None
