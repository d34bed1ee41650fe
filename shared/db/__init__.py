"""Persistence: the SQLAlchemy model shared by the server and the client cache, and engine helpers."""
