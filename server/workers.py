"""The app of one uvicorn worker process (`python -m server serve --workers N`): the parent migrated the
database; each worker opens its own engine and runs its own scheduler thread (which of them runs a job is
the job locks' business, not this module's)."""

from __future__ import annotations

from fastapi import FastAPI

from server.core.settings import Settings
from server.main import create_app


def worker_app() -> FastAPI:
    settings = Settings()
    settings.migrate_on_start = False
    app = create_app(settings)
    app.state.scheduler.start()
    return app
