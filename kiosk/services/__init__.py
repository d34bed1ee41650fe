"""Kiosk services: plain Python over the local cache and the sync client (no Qt). Screens call these."""
