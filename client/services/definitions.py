"""Workflow definitions for the catalogue's items, and which step roles a staff role acts as.

Until the server publishes definitions, the client uses the shared defaults (shared.approval.defaults):
行政许可 items get the licence workflow, the rest the public-service one, with the situation's required
materials. The staff→step role map is the one place that says a demo "approver" may act as reviewer,
verifier and head; the server applies the same map when it derives the actor from the staff login."""

from __future__ import annotations

from client.services.catalogue import CatalogueChoice, CatalogueIndex
from shared.approval.defaults import licence_definition, public_service_definition
from shared.approval.definition import ADMINISTRATIVE_LICENCE, WorkflowDefinition
from shared.approval.registry import DefinitionCatalogue

STEP_ROLES: dict[str, tuple[str, ...]] = {
    "clerk": ("clerk",),
    "approver": ("reviewer", "verifier", "head", "approver", "licence_officer"),
    "supervisor": ("supervisor",),
    "admin": ("clerk", "reviewer", "verifier", "head", "approver", "licence_officer", "supervisor"),
}


def step_roles(staff_roles: tuple[str, ...]) -> tuple[str, ...]:
    seen: list[str] = []
    for role in staff_roles:
        seen += [r for r in STEP_ROLES.get(role, (role,)) if r not in seen]
    return tuple(seen)


def definition_for(choice: CatalogueChoice, situation_code: str) -> WorkflowDefinition:
    situation = next(s for s in choice.situations if s.code == situation_code)
    required = tuple(name for name, needed in situation.materials if needed)
    if choice.category == ADMINISTRATIVE_LICENCE:
        return licence_definition(choice.item_code, situation_code, statutory_limit_days=choice.statutory_limit_days,
                                  promised_limit_days=choice.promised_limit_days, required_materials=required)
    return public_service_definition(choice.item_code, situation_code,
                                     statutory_limit_days=choice.statutory_limit_days,
                                     promised_limit_days=choice.promised_limit_days, required_materials=required)


def catalogue_definitions(index: CatalogueIndex) -> DefinitionCatalogue:
    catalogue = DefinitionCatalogue()
    done: set[tuple[str, str]] = set()
    for choice in index.choices:
        for situation in choice.situations:
            if (choice.item_code, situation.code) not in done:
                catalogue.add(definition_for(choice, situation.code))
                done.add((choice.item_code, situation.code))
    return catalogue
