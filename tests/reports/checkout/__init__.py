"""Tests of the checkout area (reports layer)."""
