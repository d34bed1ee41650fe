"""The queue domain: `register(registry)` adds every command of the wire contract (shared/protocol/queue.py),
all version 1, each run by its CommandSpec in an ORM savepoint with the queue's error mapping; the jobs are
server/queue/jobs.py's."""

from __future__ import annotations

from server.queue import call_next, desk, issue, issue_batch, rate
from server.queue.errors import rejected_from
from server.sync.registry import CommandSpec, Registry
from shared.protocol.queue import COMMANDS, VERSION

WORKSTATION = frozenset({"workstation"})
CLERK = frozenset({"clerk"})

# name → (handler, device kinds, staff roles or None)
HANDLERS = {
    "queue.issue": (issue.handle_issue, frozenset({"dispenser", "workstation"}), None),
    "queue.print": (issue.handle_print, frozenset({"dispenser", "workstation"}), None),
    "queue.call": (desk.handle_call, WORKSTATION, CLERK),
    "queue.call_next": (call_next.handle_call_next, WORKSTATION, CLERK),
    "queue.recall": (desk.handle_recall, WORKSTATION, CLERK),
    "queue.start": (desk.handle_start, WORKSTATION, CLERK),
    "queue.finish": (desk.handle_finish, WORKSTATION, CLERK),
    "queue.hold": (desk.handle_hold, WORKSTATION, CLERK),
    "queue.no_show": (desk.handle_no_show, WORKSTATION, CLERK),
    "queue.transfer": (desk.handle_transfer, WORKSTATION, CLERK),
    "queue.cancel": (desk.handle_cancel, frozenset({"dispenser", "workstation"}), None),
    "queue.pause": (desk.handle_pause, WORKSTATION, CLERK),
    "queue.resume": (desk.handle_resume, WORKSTATION, CLERK),
    "queue.rate": (rate.handle_rate, frozenset({"evaluator"}), None),
}

# Tickets come in batches from dispensers: read once per push, inserted once per push, no savepoint for a plain
# ticket (server.queue.issue_batch).
BATCHED = {"queue.issue": {"savepoint": issue.savepoint_for, "prepare": issue_batch.prepare_issue}}


def register(registry: Registry) -> None:
    missing = set(COMMANDS) ^ set(HANDLERS)
    if missing:
        raise RuntimeError(f"queue commands and handlers differ: {sorted(missing)}")
    for name, (handler, kinds, roles) in HANDLERS.items():
        registry.register(CommandSpec(name, VERSION, COMMANDS[name], handler, kinds=kinds, roles=roles,
                                      rejection=rejected_from, **BATCHED.get(name, {"savepoint": "orm"})))
