"""What each device kind may read of its scopes: the least its screens need. Workstations read everything
their scopes carry; a dispenser, an evaluator, a display and a hall controller get no case rows, no workflow
definitions and no staff list, and none of them the index keys that name a citizen except the dispenser,
which matches a swiped ID card or a QR code offline (its keys are under the hall's ticket key:
shared.crypto.ticket_key) and so gets no masked ID beside them. Who serves at a window reaches the
evaluator and the controller as that window's badge (server.queue.badges: staff id, name and 工号): the
controller, which drives the hall's LED screens, reads every window's; an evaluator its own window's only
(PER_WINDOW_TABLES, filtered by key).

Applied to pull pages (tables left out in SQL, rows of other windows and columns dropped from the stored JSON)
and to snapshots."""

from __future__ import annotations

import json

CASE_TABLES = frozenset({"approval_case", "approval_event", "approval_definition", "case_attachment"})
STAFF_TABLES = frozenset({"staff_user", "staff_role"})
NOTICE_TABLES = frozenset({"notice_settings"})  # what counters print notices with (seal image included)
PERSON_KEYS = frozenset({"person_key", "token_key", "masked_id"})
# 差评整改 (findings, appeals, who handled them) and case ratings: staff work, no kiosk screen shows them.
RATING_TABLES = frozenset({"rating_rectification", "case_rating"})
# The admin's organisation settings (shared.org_rows): a window's LED card address is the controller's to
# use; a staff member's usual window is the workstation's (it proposes it at login).
LED_TABLES = frozenset({"window_led"})
USUAL_WINDOW_TABLES = frozenset({"staff_usual_window"})
# The serving clerk's badge per window (pk: the window id), for the screens that name the clerk.
BADGE_TABLES = frozenset({"window_badge"})
# Catalogue materials' sample files (样表, shared.material_sample): the counter opens them, a dispenser may
# show them; no evaluator, display or controller screen lists materials.
SAMPLE_TABLES = frozenset({"material_sample"})
# 一事一评 on the counter's evaluator: the case asked at each window (pk: the window id), a short reference and
# the item only; its own window's row reaches the evaluator, no other kiosk reads it.
CASE_ASK_TABLES = frozenset({"case_rating_ask"})
PER_WINDOW_TABLES: dict[str, frozenset[str]] = {"evaluator": BADGE_TABLES | CASE_ASK_TABLES}

FULL = "workstation"
HIDDEN_TABLES: dict[str, frozenset[str]] = {
    "dispenser": CASE_TABLES | STAFF_TABLES | RATING_TABLES | NOTICE_TABLES | LED_TABLES | USUAL_WINDOW_TABLES
                 | BADGE_TABLES | CASE_ASK_TABLES,
    # The evaluator shows who serves at its window: name and 工号, as on the clerk's badge (BADGE_TABLES).
    "evaluator": CASE_TABLES | STAFF_TABLES | RATING_TABLES | NOTICE_TABLES | LED_TABLES | USUAL_WINDOW_TABLES
                 | SAMPLE_TABLES | {"queue_appointment"},
    "display": CASE_TABLES | STAFF_TABLES | RATING_TABLES | NOTICE_TABLES | LED_TABLES | USUAL_WINDOW_TABLES
               | BADGE_TABLES | CASE_ASK_TABLES | SAMPLE_TABLES | {"queue_appointment"},
    # The hall controller puts the clerk's name on an idle window's LED screen: the window's badge, as the
    # evaluator; it addresses each window's LED card by the address the admin set (LED_TABLES).
    "controller": CASE_TABLES | STAFF_TABLES | RATING_TABLES | NOTICE_TABLES | USUAL_WINDOW_TABLES
                  | CASE_ASK_TABLES | SAMPLE_TABLES | {"queue_appointment"},
}
# Who served a ticket (`clerk`: a staff username) is the serving clerk's business: no display or controller
# reads it, an evaluator only on its own window's tickets and ratings (it names the clerk in `queue.rate`).
CLERK = frozenset({"clerk"})
DROPPED_COLUMNS: dict[str, dict[str, frozenset[str]]] = {
    # The dispenser matches by the blind indexes under its hall's ticket key, which its config holds: a masked
    # ID beside one (area code and last four shown) would leave only the birth date to search, some 46,000
    # tries, to turn the index into the ID number. It reads the number off the card it matches anyway.
    "dispenser": {"queue_appointment": frozenset({"masked_id"})},
    "evaluator": {"queue_ticket": PERSON_KEYS},
    "display": {"queue_ticket": PERSON_KEYS | CLERK, "queue_rating": CLERK},
    "controller": {"queue_ticket": PERSON_KEYS | CLERK, "queue_rating": CLERK},
}
# Columns dropped from the rows of other windows than the device's own (rows with a `window_id`).
OTHER_WINDOW_COLUMNS: dict[str, dict[str, frozenset[str]]] = {
    "evaluator": {"queue_ticket": CLERK, "queue_rating": CLERK},
}


def hidden_tables(kind: str) -> frozenset[str]:
    """Tables this kind never receives; an unknown kind is treated as strictly as a display."""
    if kind == FULL:
        return frozenset()
    return HIDDEN_TABLES.get(kind, HIDDEN_TABLES["display"])


def visible_key(kind: str, window_id: int | None, table: str, pk: str) -> bool:
    """Whether a device of this kind at this window (None: none) reads this row at all: a per-window table's
    rows (keyed by window id) only for its own window."""
    if table not in PER_WINDOW_TABLES.get(kind, frozenset()):
        return True
    return window_id is not None and pk == str(window_id)


def _rules(kind: str, table: str) -> tuple[frozenset[str], frozenset[str]]:
    """(columns dropped from every row, columns dropped from other windows' rows)."""
    if kind == FULL:
        return frozenset(), frozenset()
    known = kind if kind in HIDDEN_TABLES else "display"
    return (DROPPED_COLUMNS.get(known, {}).get(table, frozenset()),
            OTHER_WINDOW_COLUMNS.get(known, {}).get(table, frozenset()))


def visible_row(kind: str, table: str, row: dict | None, window_id: int | None = None) -> dict | None:
    """The row as a device of this kind at this window (None: none) may read it (a tombstone stays None)."""
    dropped, elsewhere = _rules(kind, table)
    if row is None or not (dropped or elsewhere):
        return row
    if elsewhere and (window_id is None or row.get("window_id") != window_id):
        dropped = dropped | elsewhere
    return {k: v for k, v in row.items() if k not in dropped}


def visible_row_json(kind: str, table: str, row_json: str | None, window_id: int | None = None) -> str | None:
    """The stored JSON text as it is when nothing is dropped (a pull splices it unparsed), else re-encoded."""
    dropped, elsewhere = _rules(kind, table)
    if row_json is None or not (dropped or elsewhere):
        return row_json
    return json.dumps(visible_row(kind, table, json.loads(row_json), window_id), ensure_ascii=False)
