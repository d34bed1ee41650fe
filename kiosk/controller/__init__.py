"""The hall controller (`python -m kiosk --mode controller --config controller.toml`): a headless process that
follows the hall's calls through sync and drives every window's LED screen and the hall strip."""
