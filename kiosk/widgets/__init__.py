"""Touch widgets shared by the three kiosk modes."""
