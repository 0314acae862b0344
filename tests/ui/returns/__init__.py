"""Tests of the returns area (ui layer)."""
