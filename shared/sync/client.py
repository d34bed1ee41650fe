"""The sync engine of one device: push until the outbox is empty, pull until done, reset a scope from a
snapshot when its cursor is too old (never touching unsent commands), and report what happened."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, bindparam, event, func, select, update

from shared.errors import DomainError
from shared.protocol import device_health
from shared.db.files import erase_wal
from shared.protocol.personal_args import carries_personal
from shared.protocol.sync import PROTOCOL_VERSION, cursors_param
from shared.sync import outbox, store
from shared.sync.errors import SyncFailed
from shared.sync.hlc import HybridClock
from shared.sync.leases import LeaseBook
from shared.sync.status import RejectedCommand, SyncStatus
from shared.sync.tables import outbox as outbox_table
from shared.sync.transport import Reply, Transport, TransportError

log = logging.getLogger(__name__)

API = "/api/v1/sync"
_ANSWER_OF = select(outbox_table.c.status, outbox_table.c.code, outbox_table.c.message, outbox_table.c.details,
                   outbox_table.c.result).where(outbox_table.c.command_id == bindparam("command_id"))
NOT_RETRYABLE = {"device_token_invalid", "device_token_required", "device_mismatch", "protocol_unsupported",
                 "seq_reused", "scope_forbidden", "staff_token_invalid", "device_revoked", "hall_mismatch",
                 "staff_token_idle"}


class SyncClient:
    """One device's sync engine over its cache. Open the cache with open_cache(path, immediate=True): the
    loop and the UI's writer then queue on the write lock instead of failing to upgrade a read."""

    def __init__(self, engine: Engine, *, device_id: str, token: str, transport: Transport,
                 staff_token: str | None = None, staff_login: Callable[[], str | None] | None = None,
                 wall_ms: Callable[[], int] | None = None,
                 crash_hook: Callable[[str], None] | None = None, push_batch: int = 250, pull_limit: int = 1000,
                 timeout: float = 10.0) -> None:
        self.engine, self.device_id, self.token, self.transport = engine, device_id, token, transport
        self.staff_token = staff_token
        # A member signed in offline: their online sign-in, tried before anything is sent once the server answers
        # (a staff token, None while unreachable), so their offline work goes up under their own name.
        self.staff_login = staff_login
        self.push_batch, self.pull_limit, self.timeout = push_batch, pull_limit, timeout
        self.crash = crash_hook or (lambda point: None)
        with engine.begin() as conn:
            last, offset = store.get_meta(conn, "hlc"), int(store.get_meta(conn, "offset_ms", "0"))
        self.clock = HybridClock(device_id[:8], wall_ms=wall_ms, last=last, offset_ms=offset)
        self.online = False
        self.last_success_at: dt.datetime | None = None
        self.last_error: str | None = None
        self.last_error_code: str | None = None
        self.lease_error: str | None = None
        self._listeners: list[Callable[[list[RejectedCommand]], None]] = []
        self._pulled_listeners: list[Callable[[int], None]] = []
        self._queued_listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()  # one sync cycle at a time (the loop and an explicit "sync now")
        self.leases = LeaseBook(self)

    # -- local writes ------------------------------------------------------------------------------------
    def submit(self, name: str, version: int, args: dict, *, base: dict | None = None,
               effects: Iterable[tuple[str, str, dict | None]] = (), conn=None,  # noqa: ANN001
               wake: bool = True) -> outbox.Enqueued:
        """Queue a command with its optimistic effects. Pass `conn` to join the caller's transaction (the
        domain's own local change); otherwise a transaction of its own is used. Once the command is committed
        the `on_queued` listeners run (the sync loop's wake): every local write is pushed at once, whichever
        screen or service made it. `wake=False` when the caller pushes it itself at once (push_now)."""
        if conn is not None:
            queued = self._enqueue(conn, name, version, args, base, effects)
            # On the caller's commit, not before (a rolled-back command wakes nothing). The event runs as the commit
            # starts; the woken push begins with the write lock (open_cache(immediate=True)), so it reads after it.
            event.listen(conn, "commit", lambda _conn: self._queued(), once=True)
            return queued
        with self.engine.begin() as own:
            queued = self._enqueue(own, name, version, args, base, effects)
            self.crash("enqueue.before_commit")
        if wake:
            self._queued()
        return queued

    def _enqueue(self, conn, name, version, args, base, effects) -> outbox.Enqueued:  # noqa: ANN001
        queued = outbox.enqueue(conn, name=name, version=version, args=args, base=base, hlc=self.clock.now(),
                                effects=effects)
        store.set_meta(conn, "hlc", self.clock.last)
        return queued

    # -- reads -------------------------------------------------------------------------------------------
    def rows(self, table: str, pks: Iterable[str] | None = None) -> dict[str, dict]:
        """The merged rows (pending over confirmed) of `table`, or of only the rows `pks`."""
        with self.engine.connect() as conn:
            return store.merged_rows(conn, table, pks)

    def rows_with(self, table: str, field: str, value: object,
                  among: dict[str, tuple[str, ...]] | None = None) -> dict[str, dict]:
        """The merged rows of `table` whose `field` equals `value` and whose `among` fields hold one of the
        values given (store.merged_rows_with)."""
        with self.engine.connect() as conn:
            return store.merged_rows_with(conn, table, field, value, among)

    def confirmed(self, table: str) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return store.confirmed_rows(conn, table)

    def cursors(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return store.read_cursors(conn)

    # -- talking to the server ---------------------------------------------------------------------------
    def call(self, method: str, path: str, **kwargs: Any) -> Reply:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.token}"}
        if self.staff_token:
            headers["X-Staff-Token"] = self.staff_token
        sent = self.clock.wall_ms()
        kwargs.setdefault("timeout", self.timeout)
        reply = self.transport.request(method, API + path, headers=headers, **kwargs)
        if isinstance(reply.body, dict) and "server_time_ms" in reply.body:
            self.clock.observe_server(reply.body["server_time_ms"], sent, self.clock.wall_ms())
        return reply

    def fail(self, reply: Reply, step: str) -> SyncFailed:
        code = reply.error_code or f"http_{reply.status}"
        message = reply.body.get("error", {}).get("message", "") if isinstance(reply.body, dict) else ""
        return SyncFailed(f"{step} failed: {code} {message}", code=code, retry=code not in NOT_RETRYABLE,
                          status=reply.status)

    def push(self, timeout: float | None = None) -> int:
        """Push until the outbox has no unanswered command. Returns how many commands were answered.
        `timeout`: seconds each request may take (default: the client's)."""
        answered = 0
        wait = {} if timeout is None else {"timeout": timeout}
        while True:
            with self.engine.begin() as conn:
                batch = outbox.next_batch(conn, self.push_batch)
                if batch:
                    outbox.mark_attempt(conn, [b["seq"] for b in batch])
            if not batch:
                return answered
            reply = self.call("POST", "/push", json={"device": self.device_id, "protocol_version": PROTOCOL_VERSION,
                                                     "commands": [outbox.wire(b) for b in batch]}, **wait)
            self.crash("push.after_response")
            if reply.status != 200:
                raise self.fail(reply, "push")
            with self.engine.begin() as conn:
                rejected, _ = outbox.store_results(conn, reply.body["results"])
                store.set_meta(conn, "offset_ms", str(self.clock.offset_ms))
                self.crash("push.before_commit")
            answered += len(batch)
            if any(carries_personal(b["name"], b["args"]) for b in batch):
                erase_wal(self.engine)  # the forgotten ID numbers and phones are in the WAL's older frames
            if rejected:
                self._notify([_rejected(r) for r in rejected])

    def pull(self) -> int:
        """Pull pages until has_more is false; each page and its cursors in one transaction."""
        with self.engine.connect() as conn:
            confirming = outbox.accepted_with_effects(conn)
        applied, reset = 0, False
        while True:
            with self.engine.connect() as conn:
                cursors = store.read_cursors(conn)
                about = device_health.about_me(outbox.pending_count(conn))  # for the admin's device list
            params = {"cursors": cursors_param(cursors), "limit": self.pull_limit}
            reply = self.call("GET", "/pull", params=params, headers=about)
            if reply.error_code == "scope_forbidden" and not self._forget_scopes(reply):
                continue  # the device lost a scope (moved to another window): its rows go, the rest syncs on
            if reply.status != 200:
                raise self.fail(reply, "pull")
            body = reply.body
            for scope in body["reset_required"]:
                self.reset(scope)
                reset = True  # a replaced scope is a change for the listeners too
            with self.engine.begin() as conn:
                applied += store.apply_changes(conn, body["changes"])
                self.crash("pull.mid_apply")
                moved = {s: c for s, c in body["cursors"].items() if s not in body["reset_required"]}
                store.write_cursors(conn, {**{s: 0 for s in body["scopes"]}, **moved})
                if not body["has_more"]:
                    store.drop_pending(conn, confirming)  # their changes committed before this pull began
                self._learn_seq_base(conn, body["last_seq"])
                self.crash("pull.before_commit")
            if not body["has_more"]:
                if applied or reset:
                    self._tell(self._pulled_listeners, applied)
                return applied

    def _forget_scopes(self, reply: Reply) -> bool:
        """Drop the cursors and confirmed rows of scopes the server no longer grants. False if it did."""
        lost = [x for x in reply.body["error"].get("details", {}).get("scopes", []) if x in self.cursors()]
        if not lost:
            return True
        with self.engine.begin() as conn:
            for scope in lost:
                store.forget_scope(conn, scope)
        return False

    def _learn_seq_base(self, conn, last_seq: int) -> None:  # noqa: ANN001
        """A fresh cache on a device the server already knows (a reinstall) continues after the server's last
        seq; commands queued before the first contact, never sent, are renumbered to follow it."""
        if conn.scalar(select(outbox_table.c.seq).where((outbox_table.c.attempts > 0)
                                                        | (outbox_table.c.status != "pending")).limit(1)) is not None:
            return  # the server has seen this outbox: its numbering is the server's
        store.set_meta(conn, "seq_base", str(last_seq))
        first = conn.scalar(select(func.min(outbox_table.c.seq)))
        if first is not None and first <= last_seq:
            shift = last_seq + 1 - first  # via negative numbers: the primary key stays unique at every step
            conn.execute(update(outbox_table).values(seq=-(outbox_table.c.seq + shift)))
            conn.execute(update(outbox_table).values(seq=-outbox_table.c.seq))

    def reset(self, scope: str) -> None:
        reply = self.call("GET", "/snapshot", params={"scope": scope})
        if reply.status != 200:
            raise self.fail(reply, "snapshot")
        with self.engine.begin() as conn:
            store.replace_scope(conn, scope, reply.body["rows"], reply.body["cursor"])
            self.crash("reset.before_commit")

    def sync_once(self) -> None:
        """Leases, push, pull. Raises SyncFailed (after recording it) if the server could not be reached."""
        with self._lock:
            try:
                self._sign_in_staff()
                if not self.cursors():
                    self.pull()  # first contact: learn the scopes and where this device's numbering stands
                try:
                    self.leases.sync()
                    self.lease_error = None
                except SyncFailed as exc:  # a refused lease must not hold back the outbox
                    self.lease_error = exc.message
                self.push()
                self.pull()
            except TransportError as exc:
                self.online, self.last_error, self.last_error_code = False, f"network: {exc}", "network"
                raise SyncFailed(str(exc), code="network") from exc
            except SyncFailed as exc:
                self.online, self.last_error = exc.details.get("status", 0) < 500, exc.message
                self.last_error_code = exc.code
                raise
            self.online, self.last_error, self.last_error_code = True, None, None
            self.last_success_at = dt.datetime.fromtimestamp(self.clock.wall_ms() / 1000, dt.timezone.utc)

    def push_now(self, command_id: str, *, timeout: float, busy_retries: int = 3) -> dict | None:
        """Push the outbox now, in the caller's thread, and return the command's stored answer (status, code,
        message, details, result) — for an online action that waits for the server's decision (顺呼). No pull:
        an answer carrying the rows it changed has them overlaid on the cache already (outbox.store_results),
        and the loop's next cycle pulls as usual. Each request may take `timeout` seconds, and a sync cycle
        already running is waited for as long; a busy server (503 busy_retry) is asked again up to
        `busy_retries` times. None when the command is still unanswered (the server not reached in time):
        it stays queued, like any command, and the failure is recorded as sync_once records it."""
        if not self._lock.acquire(timeout=timeout):
            return self._stored_answer(command_id)  # the running cycle may still answer it: the caller decides
        try:
            for attempt in range(busy_retries + 1):
                try:
                    self._sign_in_staff()
                    if not self.cursors():
                        self.pull()  # first contact: where this device's numbering stands
                    self.push(timeout=timeout)
                except TransportError as exc:
                    self.online, self.last_error, self.last_error_code = False, f"network: {exc}", "network"
                    break
                except SyncFailed as exc:
                    self.online, self.last_error = exc.details.get("status", 0) < 500, exc.message
                    self.last_error_code = exc.code
                    if exc.code != "busy_retry" or attempt == busy_retries:
                        break
                    time.sleep(min(0.05 * 2 ** attempt, timeout / 4))
                else:
                    self.online, self.last_error, self.last_error_code = True, None, None
                    break
        finally:
            self._lock.release()
        return self._stored_answer(command_id)

    def _stored_answer(self, command_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(_ANSWER_OF, {"command_id": command_id}).first()
        return dict(row._mapping) if row is not None and row.status != "pending" else None

    def _sign_in_staff(self) -> None:
        """Without the member's staff token the server refuses their commands (role_required) and their role's
        scopes: nothing is pushed or pulled until the online sign-in succeeds. A refusal (the password changed
        meanwhile, the account disabled) keeps the outbox waiting, its code in the sync status."""
        if self.staff_login is None:
            return
        try:
            token = self.staff_login()
        except DomainError as exc:
            raise SyncFailed(f"staff sign-in refused: {exc.code}", code=exc.code, retry=False) from exc
        if token is None:
            raise TransportError("the server cannot be reached for the staff sign-in")
        self.staff_token, self.staff_login = token, None

    # -- status and rejections ---------------------------------------------------------------------------
    def on_rejected(self, listener: Callable[[list[RejectedCommand]], None]) -> None:
        self._listeners.append(listener)

    def on_pulled(self, listener: Callable[[int], None]) -> None:
        """`listener(changes)` on the sync thread after a pull applied changes: screens re-read at once
        instead of polling the cache."""
        self._pulled_listeners.append(listener)

    def on_queued(self, listener: Callable[[], None]) -> None:
        """`listener()` on the writing thread each time a submitted command has been committed to the outbox."""
        self._queued_listeners.append(listener)

    def _queued(self) -> None:
        self._tell(self._queued_listeners)

    def _notify(self, rejected: list[RejectedCommand]) -> None:
        self._tell(self._listeners, rejected)

    @staticmethod
    def _tell(listeners: list[Callable[..., None]], *args: Any) -> None:
        """The changes are committed when listeners hear of them: one listener failing (a screen closed under
        it) must neither fail the sync that already succeeded nor keep the others from hearing."""
        for listener in list(listeners):
            try:
                listener(*args)
            except Exception:  # noqa: BLE001 - logged; the data is safe and the next pull tells again
                log.exception("a sync listener failed")

    def rejected(self) -> list[RejectedCommand]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(outbox_table).where(outbox_table.c.status == "rejected",
                                                           outbox_table.c.acknowledged.is_(False))
                                .order_by(outbox_table.c.seq))
            return [_rejected(dict(r._mapping)) for r in rows]

    def acknowledge(self, command_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(outbox_table).where(outbox_table.c.command_id == command_id)
                         .values(acknowledged=True))

    def status(self) -> SyncStatus:
        with self.engine.connect() as conn:
            pending = outbox.pending_count(conn)
            alarms = self.leases.alarms(conn) + ([f"lease_error:{self.lease_error}"] if self.lease_error else [])
        return SyncStatus(online=self.online, last_success_at=self.last_success_at, pending=pending,
                          rejected=self.rejected(), alarms=alarms, last_error=self.last_error,
                          last_error_code=self.last_error_code,
                          clock_offset_ms=self.clock.offset_ms)


def _rejected(r: dict) -> RejectedCommand:
    return RejectedCommand(seq=r["seq"], command_id=r["command_id"], name=r["name"], code=r.get("code") or "",
                           message=r.get("message") or "", details=r.get("details") or {})
