"""Tests of the returns area (reports layer)."""
