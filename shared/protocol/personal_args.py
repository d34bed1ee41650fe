"""Which command arguments carry personal data (ID numbers, phones, names), for every node: the server's
command log keeps them sealed (server/approval/command_log.py) and a device's outbox forgets them once the
server has answered (shared/sync/outbox.py) — until then they are what the command has to deliver."""

from __future__ import annotations

PERSONAL_ARGS: dict[str, tuple[str, ...]] = {
    "approval.receive": ("applicant_id", "applicant_phone", "applicant_name"),
    "approval.deliver": ("receiver_name", "receiver_id"),
    # 手机号取号: already sealed for the server (shared/crypto/ticket_phone.py), forgotten all the same once answered
    "queue.issue": ("phone_sealed",),
}
# Personal fields of the synced rows a device keeps: sealed in its cache (shared/sync/cache_seal.py).
PERSONAL_ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "approval_case": ("applicant_name",),
}
WITHHELD = "(withheld)"


def carries_personal(name: str, args: dict) -> bool:
    """Whether this command's args hold a personal value still to forget (most queue.issue commands do not)."""
    fields = PERSONAL_ARGS.get(name, ())
    return isinstance(args, dict) and any(args.get(f) not in (None, "", WITHHELD) for f in fields)


def withheld(name: str, args: dict) -> dict:
    """The args with their personal values replaced (unchanged when the command carries none)."""
    fields = PERSONAL_ARGS.get(name, ())
    if not fields or not isinstance(args, dict):
        return args
    return {k: (WITHHELD if k in fields and v not in (None, "") else v) for k, v in args.items()}
