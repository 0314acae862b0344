"""Tests of the returns area (services layer)."""
