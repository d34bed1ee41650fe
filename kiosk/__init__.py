"""GovHall kiosk: ticket dispenser, counter evaluator and hall display (PySide6, full screen)."""
