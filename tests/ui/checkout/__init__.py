"""Tests of the checkout area (ui layer)."""
