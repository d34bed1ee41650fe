"""取号 at the dispenser: what is left per business, the rules (shared.queue.issuance), the number from the
device's lease and the `queue.issue` fact recorded together as "printing", then what the printer did
(`queue.print`; shared.queue.printing). Everything here may touch the disk: screens call it through Ops, never on the GUI thread."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from shared.crypto.blind_index import blind_index
from shared.crypto.ticket_key import TicketKey
from shared.queue import appointment_qr, lifecycle
from shared.queue.appointments import CheckIn, check_in
from shared.queue.errors import IssueRefused
from shared.queue.clock import CHINA_TZ, IssueTime
from shared.queue.estimates import estimate_wait, mean_service_time, people_ahead
from shared.queue.issuance import (Admission, IssueRequest, Remaining, admit, is_elderly, issue,
                                   issued_counts,
                                   remaining)
from shared.queue.printing import PrintState
from shared.crypto.ticket_phone import seal_phone
from shared.validation import check_mobile, mask_phone
from shared.queue.rules import CallingRules, CheckInWindow, EstimateRules
from shared.queue.tickets import Channel, GreenChannelReason, Ticket
from shared.sync import store
from shared.sync.client import SyncClient
from shared.sync.errors import SyncFailed
from shared.sync.hlc import decode
from shared.protocol.queue_rows import moment, row_after, ticket_of, ticket_row, window_statuses
from kiosk.services import card_match
from kiosk.services.queue_rows import appointments_of, booked_by_token, tickets_of
from kiosk.services.reference import HallDirectory

SERIES = "ticket"


@dataclass(frozen=True)
class Prepared:
    """A ticket with its number, recorded as "printing" (the printer has not answered yet)."""
    ticket: Ticket
    business_name: str
    day: dt.date
    block_id: int | None
    number: int | None
    number_kind: str  # live / reserve / fallback
    person_key: str | None
    people_ahead: int
    wait: dt.timedelta | None
    appointment_at: dt.datetime | None
    phone_masked: str = ""  # 手机号取号: what the ticket shows (138****1234)


class TicketDesk:
    def __init__(self, sync: SyncClient, directory: HallDirectory, *, ticket_key: bytes | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.sync, self.directory = sync, directory
        self.keys = TicketKey(ticket_key) if ticket_key else None  # the hall's ticket key, nothing more
        self.ticket_key = ticket_key
        self.now = now or (lambda: dt.datetime.now(CHINA_TZ))

    # The hall's published rules, as the server decides with them (re-read after a sync changed them).
    @property
    def check_in_window(self) -> CheckInWindow:
        return self.directory.rules.check_in

    @property
    def calling(self) -> CallingRules:
        return self.directory.rules.calling

    @property
    def estimating(self) -> EstimateRules:
        return self.directory.rules.estimate

    def track_today(self) -> None:
        """Ask for today's live and reserve blocks of every business (the sync loop fetches them)."""
        day = self.now().date().isoformat()
        for e in self.directory.entries:
            self.sync.leases.track(SERIES, e.business.prefix, day)

    @property
    def takes_phones(self) -> bool:
        """手机号取号 needs the ticket key: the number is sealed with it before it is written anywhere."""
        return self.ticket_key is not None

    def person_key(self, person_id: str | None) -> str | None:
        if person_id is None or self.keys is None:
            return None
        return blind_index("resident_id", person_id, self.keys)

    def _tickets(self, now: dt.datetime, person_id: str | None = None) -> list[Ticket]:
        key = self.person_key(person_id)
        person = (key, person_id) if key and person_id else None
        return tickets_of(self.sync.rows("queue_ticket").values(), now.date(), person)

    def availability(self) -> dict[int, Remaining]:
        self.directory.refresh()
        now = self.now()
        tickets = self._tickets(now)
        return {e.business.id: remaining(e.quota, issued_counts(tickets, e.business.id, now.date(), e.quota),
                                         now)
                for e in self.directory.entries}

    def find_appointment(self, person_id: str) -> CheckIn | None:
        """Today's appointment of this person (raises IssueRefused check_in_too_early): the server matches the
        card when it can be asked, the cache under the hall's ticket key when not."""
        self.directory.refresh()
        mine = card_match.ask_server(self.sync, person_id)
        if mine is None:
            key = self.person_key(person_id)
            if key is None:
                return None
            mine = appointments_of(self.sync.rows("queue_appointment").values(), (key, person_id))
        return check_in(mine, person_id, self.now(), self.check_in_window)

    def find_by_token(self, token: str) -> CheckIn:
        """The on-time appointment an appointment QR code names (raises IssueRefused). Not in the cache: one
        sync with the server (a booking made minutes ago); offline, a plain refusal."""
        if self.keys is None:
            raise IssueRefused("appointment_token_unknown", "this kiosk has no index key to match tokens")
        key = blind_index(appointment_qr.TOKEN_KIND, token.strip(), self.keys)
        self.directory.refresh()
        found = booked_by_token(self.sync.rows("queue_appointment").values(), key)
        if found is None:
            try:
                self.sync.sync_once()
            except SyncFailed as exc:
                raise IssueRefused("appointment_token_offline", "not in the cache, and the server could not "
                                   "be asked") from exc
            found = booked_by_token(self.sync.rows("queue_appointment").values(), key)
        return appointment_qr.check_in_by_token(found, self.now(), self.check_in_window)

    def admit(self, business_id: int, channel: Channel, person_id: str | None = None,
              check: CheckIn | None = None, tickets: list[Ticket] | None = None,
              green_reason: GreenChannelReason | None = None) -> Admission:
        """The shared rules, in the order a citizen wants to hear them (raises IssueRefused). `green_reason`:
        the priority class the citizen chose on the tile (staff check it at the window)."""
        self.directory.refresh()
        now = self.now()
        entry = self.directory.entry(business_id)
        tickets = self._tickets(now, person_id) if tickets is None else tickets
        quota = entry.quota if entry else None
        counts = issued_counts(tickets, business_id, now.date(), quota)
        # The green channel for the elderly is read from the ID number itself (other reasons need staff).
        green = green_reason or (GreenChannelReason.ELDERLY if person_id and channel is Channel.ID_CARD
                                 and is_elderly(person_id, now.date()) else None)
        request = IssueRequest(business_id, channel, now, person_id=person_id, green_reason=green,
                               check_in=check)
        return admit(request, entry.business if entry else None, quota, counts, tickets,
                     self.directory.rules.green_reasons_for(business_id))

    def issue(self, business_id: int, channel: Channel, person_id: str | None = None,
              check: CheckIn | None = None, *, person_key: str | None = None, phone: str | None = None,
              uscc: str | None = None, green_reason: str | None = None) -> Prepared:
        """Admit and take a number, reading the synced tickets once (this is on the tap → print path).
        `person_key` (with `check`): an appointment QR code, whose person is known only by key. `phone`: a
        mobile number typed at the keypad (checked again here, sealed before it is recorded). `green_reason`: a
        priority class chosen on the tile (a GreenChannelReason value; unknown ones are refused)."""
        if phone is not None:
            phone = check_mobile(phone)
            if not self.takes_phones:
                raise IssueRefused("phone_ticket_unavailable", "no ticket key to seal the phone with")
        if person_key is not None and check is not None:
            self.directory.refresh()
            now = self.now()
            tickets = tickets_of(self.sync.rows("queue_ticket").values(), now.date(), (person_key, person_key))
            entry = self.directory.entry(business_id)
            admission = appointment_qr.admit_by_token(check, entry.business if entry else None,
                                                      entry.quota if entry else None, channel, tickets)
            return self.prepare(admission, tickets, person_key=person_key)
        if uscc is not None and self.keys is not None:  # 粤商码: the business holds the ticket, by key
            person_key = blind_index("uscc", uscc, self.keys)
        try:
            green = GreenChannelReason(green_reason) if green_reason is not None else None
        except ValueError:
            raise IssueRefused("invalid_priority_classes", f"no priority class {green_reason!r}") from None
        tickets = self._tickets(self.now(), person_id)
        return self.prepare(self.admit(business_id, channel, person_id, check, tickets, green), tickets,
                            person_key=person_key, phone=phone)

    def prepare(self, admission: Admission, tickets: list[Ticket] | None = None, *,
                person_key: str | None = None, phone: str | None = None) -> Prepared:
        """Take the next number from the lease and record the ticket as "printing" (`queue.issue` and its
        optimistic row) in one local transaction, before anything is printed: power lost at any point leaves
        either no number taken and nothing printed, or a ticket the server will learn of (shared.queue.printing
        says what a "printing" ticket means for calling)."""
        now = self.now()
        entry = self.directory.entry(admission.business_id)
        assert entry is not None
        person_key = person_key or self.person_key(admission.person_id)
        with self.sync.engine.begin() as conn:
            taken = self.sync.leases.issue(conn, SERIES, entry.business.prefix, now.date().isoformat())
            seq = int(store.get_meta(conn, "kiosk_ticket_seq", "0")) + 1
            store.set_meta(conn, "kiosk_ticket_seq", str(seq))
            millis, counter, _ = decode(self.sync.clock.now())
            stamp = IssueTime(millis, counter, self.sync.device_id, seq)
            ticket = dataclasses.replace(issue(admission, ticket_id=str(uuid.uuid4()), number=taken.display,
                                               issued_at=stamp, wall_time=now), print_state=PrintState.PRINTING)
            sealed = seal_phone(phone, self.ticket_key, ticket.id) if phone else None
            self._record_issue(conn, ticket, now.date(), taken.block_id, taken.number, person_key, sealed)
            self.sync.crash("dispenser.issue.before_commit")
        tickets = [t for t in (self._tickets(now) if tickets is None else tickets) if t.id != ticket.id] + [ticket]
        statuses = window_statuses(self.sync.rows("queue_window").values())
        ahead = people_ahead(self.directory.windows, statuses, tickets, now, self.calling).get(ticket.id)
        mean = mean_service_time(tickets, ticket.business_id, self.estimating)
        wait = estimate_wait(ticket, ahead, self.directory.windows, statuses, mean).estimated_wait
        if ahead is None:  # no open window for it right now: count everyone waiting for the business
            ahead = sum(1 for t in tickets if t.business_id == ticket.business_id and t.id != ticket.id
                        and t.state.value == "waiting")
        appointment_at = None
        if admission.appointment_id:
            slot = self.sync.rows("queue_appointment").get(admission.appointment_id, {}).get("slot_start")
            appointment_at = moment(slot, CHINA_TZ) if slot else None  # rows are UTC; the screen is hall time
        return Prepared(ticket, entry.business.name, now.date(), taken.block_id, taken.number, taken.kind,
                        person_key, ahead, wait, appointment_at, mask_phone(phone) if phone else "")

    def _record_issue(self, conn, t: Ticket, day: dt.date, block_id: int | None,  # noqa: ANN001
                      number: int | None, person_key: str | None, phone_sealed: str | None = None) -> None:
        """The `queue.issue` fact and its optimistic row, inside the caller's transaction."""
        stamp = t.issued_at
        args = {"ticket_id": t.id, "business_id": t.business_id, "display": t.number, "number": number,
                "block_id": block_id, "day": day.isoformat(), "channel": t.channel.value,
                "issued_at": {"physical_ms": stamp.physical_ms, "logical": stamp.logical,
                              "device_id": stamp.device_id, "device_seq": stamp.device_seq},
                "at": t.issued_wall.isoformat(), "person_key": person_key,
                "green_reason": t.green_reason.value if t.green_reason else None,
                "appointment_id": t.appointment_id, "print_state": t.print_state.value}
        if phone_sealed:
            args["phone_sealed"] = phone_sealed  # sealed for the server: no clear number in the outbox
        row = ticket_row(t, hall_id=self.directory.hall_id, day=day, person_key=person_key)
        self.sync.submit("queue.issue", 1, args, effects=[("queue_ticket", t.id, row)], conn=conn)

    def settle(self, prepared: Prepared, outcome: PrintState) -> None:
        """What the printer did (or the citizen chose): a `queue.print` command and the optimistic row."""
        t = prepared.ticket
        row = self.sync.rows("queue_ticket").get(t.id)
        effects = [] if row is None else [
            ("queue_ticket", t.id, row_after(row, dataclasses.replace(ticket_of(row), print_state=outcome)))]
        self.sync.submit("queue.print", 1, {"ticket_id": t.id, "outcome": outcome.value,
                                             "at": self.now().isoformat()}, effects=effects)

    def cancel(self, ticket_id: str, reason: str) -> None:
        """Cancel a ticket nobody holds (its print failed and the citizen walked away)."""
        row = self.sync.rows("queue_ticket").get(ticket_id)
        if row is None:
            return
        ticket = ticket_of(row)
        now = max(self.now(), ticket.periods[-1].start)  # a period never ends before it starts
        done = lifecycle.cancel(ticket, now)
        self.sync.submit("queue.cancel", 1, {"ticket_id": ticket_id, "at": now.isoformat(), "reason": reason},
                         effects=[("queue_ticket", ticket_id, row_after(row, done))])

    def abandon_failed(self) -> int:
        """On start: this device's tickets still waiting after a failed print belong to citizens long gone
        (the failure screen was left by a restart): cancel them. Returns how many."""
        mine = [r for r in self.sync.rows("queue_ticket").values()
                if r.get("print_state") == PrintState.FAILED.value and r.get("state") == "waiting"
                and r["issued_at"][2] == self.sync.device_id]
        for row in mine:
            self.cancel(row["id"], "print_failed_abandoned")
        return len(mine)
