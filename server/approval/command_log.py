"""Personal values in approval commands as the command log keeps them: sealed (SM4-GCM) with the command id
and field bound in, so the log still says who did what without holding an ID number, phone or name in clear.
An auditor opens them with `open_logged` (and the keys)."""

from __future__ import annotations

from collections.abc import Callable

from server.approval.identity import pii_keys
from shared.crypto.keys import KeyProvider, KeyUnavailable
from shared.crypto.sm4 import open_sealed, seal
from shared.protocol.personal_args import PERSONAL_ARGS, WITHHELD  # WITHHELD: no keys, or not text



def _where(command_id: str, name: str) -> str:
    return f"command_log:{command_id}:{name}"


def seal_personal(fields: tuple[str, ...], args: dict, command_id: str,
                  keys_of: Callable[[], KeyProvider] = pii_keys) -> dict:
    out = dict(args) if isinstance(args, dict) else {}
    present = [f for f in fields if out.get(f) not in (None, "")]
    if not present:
        return out
    try:
        keys = keys_of()
    except KeyUnavailable:
        keys = None
    for name in present:
        value = out[name]
        out[name] = seal(value, keys, _where(command_id, name)) if keys and isinstance(value, str) else WITHHELD
    return out


def logger_for(command: str) -> Callable[[dict, str], dict] | None:
    """The spec's `logged_args` for this command (None: it carries nothing personal)."""
    fields = PERSONAL_ARGS.get(command)
    if fields is None:
        return None
    return lambda args, command_id: seal_personal(fields, args, command_id)


def open_logged(command: str, args: dict, command_id: str, keys: KeyProvider) -> dict:
    """The logged args with their sealed values opened (for an audit)."""
    out = dict(args)
    for name in PERSONAL_ARGS.get(command, ()):
        value = out.get(name)
        if isinstance(value, str) and value.startswith("v1."):
            out[name] = open_sealed(value, keys, _where(command_id, name))
    return out
