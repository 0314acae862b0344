"""Tests of the admin area (ui layer)."""
