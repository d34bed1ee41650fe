"""Approval engine domain core (审批): workflow definitions, the case decider, derived clocks, urging and
supervision, statistics. Pure Python: no Qt, no SQLAlchemy, no HTTP; time is always passed in."""
