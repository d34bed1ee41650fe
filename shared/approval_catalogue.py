"""Version 1 of a catalogue situation's workflow: the one function the server seeds (and publishes) a situation's
first definition with, and a server-less demo cache fills its synced rows with. Kept out of shared.approval,
which stays free of the database layer."""

from __future__ import annotations

from shared.approval.defaults import licence_definition, public_service_definition
from shared.approval.definition import ADMINISTRATIVE_LICENCE, WorkflowDefinition
from shared.db.models.catalogue import Situation


def default_for(situation: Situation) -> WorkflowDefinition:
    """Version 1 for a catalogue situation: licence items get the licence workflow, the rest the public
    service one; limits and required materials come from the catalogue. The server stores it (and publishes
    it) when a situation has no version yet; a demo cache without a server gets the same rows."""
    item = situation.item
    required = [m.name for m in situation.materials if m.required]
    if item.category == ADMINISTRATIVE_LICENCE:
        return licence_definition(item.code, situation.code, statutory_limit_days=item.statutory_limit_days,
                                  promised_limit_days=item.promised_limit_days, required_materials=required)
    return public_service_definition(item.code, situation.code,
                                     statutory_limit_days=item.statutory_limit_days,
                                     promised_limit_days=item.promised_limit_days,
                                     required_materials=required)
