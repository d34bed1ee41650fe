"""The set of known workflow definitions. Versions are immutable: a case stays on the version it began on."""

from __future__ import annotations

from collections.abc import Iterable

from shared.approval.definition import WorkflowDefinition, validate_definition
from shared.approval.errors import ApprovalError, UnknownDefinition


class DefinitionConflict(ApprovalError):
    code = "definition_version_conflict"


class DefinitionCatalogue:
    def __init__(self, definitions: Iterable[WorkflowDefinition] = ()) -> None:
        self._by_key: dict[tuple[str, str, int], WorkflowDefinition] = {}
        for d in definitions:
            self.add(d)

    def add(self, definition: WorkflowDefinition) -> None:
        """Register a new version. Re-adding an identical one is harmless; changing a published one is not."""
        validate_definition(definition)
        known = self._by_key.get(definition.key)
        if known is not None and known != definition:
            raise DefinitionConflict(f"version {definition.version} of {definition.item_code}/"
                                     f"{definition.situation_code} exists and differs; publish a new version",
                                     key=list(definition.key))
        self._by_key[definition.key] = definition

    def get(self, item_code: str, situation_code: str, version: int) -> WorkflowDefinition:
        try:
            return self._by_key[(item_code, situation_code, version)]
        except KeyError:
            raise UnknownDefinition(f"no definition {item_code}/{situation_code} v{version}",
                                    item_code=item_code, situation_code=situation_code, version=version) from None

    def latest(self, item_code: str, situation_code: str) -> WorkflowDefinition:
        versions = [v for (i, s, v) in self._by_key if (i, s) == (item_code, situation_code)]
        if not versions:
            raise UnknownDefinition(f"no definition for {item_code}/{situation_code}",
                                    item_code=item_code, situation_code=situation_code)
        return self._by_key[(item_code, situation_code, max(versions))]
