"""Installers and the developer entry point (dev.sh)."""
