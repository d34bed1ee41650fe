"""Workflow definitions as published rows — the one codec. The server stores each immutable version's JSON body
and publishes every version to every hall as an `approval_definition` row (key item|situation|version); the
server's decider and every client's read their DefinitionCatalogue through `catalogue_from_rows` /
`definition_from_dict` here, so an offline decision follows the step list the server would."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.approval.definition import ClockEffect, JoinRule, Step, StepAction, WorkflowDefinition
from shared.approval.errors import DefinitionProblem, InvalidDefinition
from shared.approval.registry import DefinitionCatalogue

DEFINITION_TABLE = "approval_definition"


def definition_to_dict(d: WorkflowDefinition) -> dict[str, Any]:
    return {
        "item_code": d.item_code, "situation_code": d.situation_code, "version": d.version,
        "category": d.category, "statutory_limit_days": d.statutory_limit_days,
        "promised_limit_days": d.promised_limit_days, "required_materials": list(d.required_materials),
        "issues_licence": d.issues_licence, "joint_handling": d.joint_handling,
        "correction_stops_clock": d.correction_stops_clock, "extension_roles": sorted(d.extension_roles),
        "steps": [{"name": s.name, "display_name": s.display_name, "role": s.role, "limit_days": s.limit_days,
                   "actions": sorted(a.value for a in s.actions), "clock_effect": s.clock_effect.value,
                   "parallel_group": s.parallel_group, "join": s.join.value if s.join else None,
                   "return_to": list(s.return_to)} for s in d.steps],
    }


def definition_from_dict(d: dict[str, Any]) -> WorkflowDefinition:
    """Raises InvalidDefinition (code `malformed_definition`) for shapes the engine cannot read."""
    try:
        steps = tuple(Step(s["name"], s["display_name"], s["role"], int(s["limit_days"]),
                           frozenset(StepAction(a) for a in s["actions"]),
                           ClockEffect(s.get("clock_effect", "counts")),
                           s.get("parallel_group"), JoinRule(s["join"]) if s.get("join") else None,
                           tuple(s.get("return_to", ()))) for s in d["steps"])
        return WorkflowDefinition(
            d["item_code"], d["situation_code"], int(d["version"]), d["category"],
            int(d["statutory_limit_days"]),
            int(d["promised_limit_days"]), steps, tuple(d.get("required_materials", ())),
            issues_licence=bool(d.get("issues_licence", True)),
            joint_handling=bool(d.get("joint_handling", False)),
            correction_stops_clock=bool(d.get("correction_stops_clock", False)),
            extension_roles=frozenset(d.get("extension_roles", ("head",))))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidDefinition([DefinitionProblem("malformed_definition", None, str(exc))]) from None


def definition_key(item_code: str, situation_code: str, version: int) -> str:
    return f"{item_code}|{situation_code}|{version}"


def definition_row(d: WorkflowDefinition) -> dict[str, Any]:
    """The published row of one version (its body is what the server stores)."""
    return {"item_code": d.item_code, "situation_code": d.situation_code, "version": d.version,
            "body": definition_to_dict(d)}


def catalogue_from_rows(rows: Iterable[Mapping[str, Any]]) -> DefinitionCatalogue:
    """Every published version, as the decider reads them (raises InvalidDefinition on a malformed body)."""
    return DefinitionCatalogue([definition_from_dict(r["body"]) for r in rows])

