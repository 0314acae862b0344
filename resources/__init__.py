"""Packaged resources: translations, fonts, icons (loaded via importlib.resources)."""
