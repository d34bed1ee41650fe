"""The GUI layer shared by the desktop client, the kiosk and the device adapters: the single Qt import point
(`gui.qt`), background operations (`gui.ops`), Chinese fonts (`gui.fonts`) and the application bootstrap
(`gui.app`). It imports nothing from `client/` or `kiosk/`, and they never import each other."""
