"""Client cache migrations."""
