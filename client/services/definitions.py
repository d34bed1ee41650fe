"""Workflow definitions for the catalogue's items.

Until the server publishes definitions, the client uses the shared defaults (shared.approval.defaults):
行政许可 items get the licence workflow, the rest the public-service one, with the situation's required
materials. Staff act in the step roles their login holds (reviewer, verifier, head, licence_officer …), exactly
as the server derives the actor — there is no client-side role map."""

from __future__ import annotations

from client.services.catalogue import CatalogueChoice, CatalogueIndex
from shared.approval.defaults import licence_definition, public_service_definition
from shared.approval.definition import ADMINISTRATIVE_LICENCE, WorkflowDefinition
from shared.approval.registry import DefinitionCatalogue

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
