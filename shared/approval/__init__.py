"""Approval engine domain core (审批). Pure Python: no Qt, no SQLAlchemy, no HTTP; time is always passed in.

Modules, in the order a case meets them:
- lifecycle:   CaseStatus, Action, TRANSITIONS (which action may move which status where)
- definition:  Step, WorkflowDefinition, validate_definition; defaults: licence/public-service builders;
               registry: DefinitionCatalogue (immutable versions; a case is pinned to its version)
- commands:    one frozen dataclass per command, each with `base` (expected version and state)
- decider:     decide(state, command, definitions, calendar) -> events; execute() = decide + evolve.
               Handlers live in intake, review, outcome and supervision; shared checks in guards.
- events / state: Event; CaseState = replay(events) (evolve one event at a time); history: validate_history
- clocks / art32 / counting: statutory, promised, Art. 44 and step clocks, derived from the state with
               WorkCalendar; red and yellow cards; Art. 32 window; provisional deadlines
- available:   available_actions(state, definition, role): what a role may do now, and at which step
- views:       CaseView, worklists (near_due, overdue, by_department_and_step, awaiting_reply)
- statistics:  counts and average cycle by year/quarter/month/town/item/channel/department
- personal:    protect/reveal/search_key for ID and phone numbers (shared.crypto: SM4-GCM, HMAC-SM3)
- serialization: JSON-safe dictionaries for events and commands; messages: error code -> Chinese text
"""
