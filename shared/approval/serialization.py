"""JSON-safe dictionaries for events and commands, for the store, the sync outbox and the wire.

Command names are the snake_case of their class (`pass_step`, `start_special_procedure` …)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from shared.approval import commands as cmd
from shared.approval.errors import InvalidCommand
from shared.approval.events import Actor, Event
from shared.approval.lifecycle import Action, CaseStatus


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


COMMANDS: dict[str, type[cmd.Command]] = {
    _snake(c.__name__): c for c in vars(cmd).values()
    if isinstance(c, type) and issubclass(c, cmd.Command) and c is not cmd.Command
}


def event_to_dict(e: Event, *, with_personal: bool = False) -> dict[str, Any]:
    """`personal` is left out unless asked for: the caller must encrypt it before storing."""
    d = {
        "event_id": e.event_id, "case_id": e.case_id, "seq": e.seq, "action": e.action.value,
        "actor": {"user_id": e.actor.user_id, "role": e.actor.role}, "device": e.device,
        "at": e.at.isoformat(), "day": e.day.isoformat(), "command_id": e.command_id,
        "status_before": e.status_before.value if e.status_before else None, "status_after": e.status_after.value,
        "steps_after": list(e.steps_after), "opinion": e.opinion, "attachments": list(e.attachments),
        "payload": dict(e.payload),
    }
    if with_personal:
        d["personal"] = dict(e.personal)
    return d


def event_from_dict(d: dict[str, Any]) -> Event:
    return Event(
        event_id=d["event_id"], case_id=d["case_id"], seq=d["seq"], action=Action(d["action"]),
        actor=Actor(**d["actor"]), device=d["device"], at=dt.datetime.fromisoformat(d["at"]),
        day=dt.date.fromisoformat(d["day"]), command_id=d["command_id"],
        status_before=CaseStatus(d["status_before"]) if d["status_before"] else None,
        status_after=CaseStatus(d["status_after"]), steps_after=tuple(d["steps_after"]), opinion=d["opinion"],
        attachments=tuple(d["attachments"]), payload=dict(d["payload"]), personal=dict(d.get("personal", {})))


def command_to_dict(c: cmd.Command) -> dict[str, Any]:
    fields = {f.name: getattr(c, f.name) for f in dataclasses.fields(c)}
    base, actor = fields.pop("base"), fields.pop("actor")
    args = {k: _plain(v) for k, v in fields.items()}
    args["at"] = c.at.isoformat()
    return {"name": _snake(type(c).__name__), "args": args,
            "base": {"case": c.case_id, "expected_version": base.expected_version,
                     "from_state": base.from_state.value if base.from_state else None},
            "actor": {"user_id": actor.user_id, "role": actor.role}}


def command_from_dict(d: dict[str, Any]) -> cmd.Command:
    kind = COMMANDS.get(d.get("name", ""))
    if kind is None:
        raise InvalidCommand("unknown_command", f"unknown command {d.get('name')!r}", known=sorted(COMMANDS))
    args = dict(d["args"])
    args["at"] = dt.datetime.fromisoformat(args["at"])
    for name in ("attachments", "materials"):
        if name in args:
            args[name] = tuple(args[name])
    if "items" in args:
        args["items"] = tuple(cmd.CorrectionItem(**i) for i in args["items"])
    base = d["base"]
    if base.get("case") not in (None, args.get("case_id")):
        raise InvalidCommand("wrong_case", "the base names another case")
    try:
        return kind(base=cmd.Base(base["expected_version"], CaseStatus(base["from_state"]) if base["from_state"]
                                  else None), actor=Actor(**d["actor"]), **args)
    except TypeError as exc:
        raise InvalidCommand("bad_command_arguments", str(exc)) from None


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)  # type: ignore[arg-type]
    return value
