"""What a serving process runs besides the API: the scheduler thread and, on PostgreSQL, the wake-up listener
that hears the other processes' commits. `python -m server serve` uses `start_background`; several workers
of one host use the factory: `uvicorn server.runtime:served_app --factory --workers 4` (after
`python -m server migrate`: workers do not migrate)."""

from __future__ import annotations

from fastapi import FastAPI

from server.core.settings import Settings
from server.store.database import Database


def start_background(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    database: Database = app.state.database
    if database.engine.dialect.name == "postgresql":
        from server.sync.pg_wakeups import HallListener
        app.state.wakeup_listener = HallListener(database.engine, app.state.sync_hub)
        app.state.wakeup_listener.start()
    if settings.run_jobs:
        app.state.scheduler.start(tick=settings.job_tick_s)


def served_app() -> FastAPI:
    """One worker process's app (uvicorn --factory): settings from the environment, no migration."""
    from server.main import create_app
    settings = Settings()
    settings.migrate_on_start = False
    app = create_app(settings, database=Database.from_settings(settings))
    start_background(app)
    return app
