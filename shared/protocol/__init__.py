"""Wire schemas (pydantic v2) shared by client and server; the server's OpenAPI document comes from these."""
