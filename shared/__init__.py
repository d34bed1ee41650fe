"""GovHall's shared core: domain rules, persistence, sync and wire schemas. Never imports Qt."""
