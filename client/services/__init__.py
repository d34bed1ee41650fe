"""Client services: plain Python (no Qt) used by the windows through gui.ops."""
