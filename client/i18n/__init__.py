"""User-facing texts for error codes that come from the server or the domain (the codes are stable; the
Chinese lives here, in the UI layer)."""
