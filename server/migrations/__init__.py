"""Server migrations."""
