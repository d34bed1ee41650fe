"""Kiosk screens: views only. They emit what the citizen did; controllers decide what happens."""
