"""Top-level windows and dialogs."""
