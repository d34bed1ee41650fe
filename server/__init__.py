"""GovHall central server (FastAPI). Never imports Qt."""
